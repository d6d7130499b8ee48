-- Each export file's CRC-32C (8 hex digits) is now what the manifest states and clients check;
-- SHA-256 costs a quarter of a system export's CPU and is computed only when the server is asked
-- for it, so sha256 may be null. SQLite cannot drop a NOT NULL constraint in place: the table is
-- rebuilt. Files sealed before keep their SHA-256 and have no CRC-32C.
CREATE TABLE export_file_new (
    job_id       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    task_seq     INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    res_type     TEXT    NOT NULL,
    line_count   INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    crc32c       TEXT,
    sha256       TEXT,
    continues_in TEXT,
    seq          BIGINT,
    PRIMARY KEY (job_id, name)
);
INSERT INTO export_file_new (job_id, name, task_seq, kind, res_type, line_count, bytes, sha256, continues_in, seq)
    SELECT job_id, name, task_seq, kind, res_type, line_count, bytes, sha256, continues_in, seq FROM export_file;
DROP TABLE export_file;
ALTER TABLE export_file_new RENAME TO export_file;
CREATE INDEX export_file_seq ON export_file (job_id, seq);
