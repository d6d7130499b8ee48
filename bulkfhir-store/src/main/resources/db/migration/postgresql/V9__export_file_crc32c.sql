-- Each export file's CRC-32C (8 hex digits) is now what the manifest states and clients check;
-- SHA-256 costs a quarter of a system export's CPU and is computed only when the server is asked
-- for it, so sha256 may be null. Files sealed before keep their SHA-256 and have no CRC-32C.
ALTER TABLE export_file ADD COLUMN crc32c TEXT;
ALTER TABLE export_file ALTER COLUMN sha256 DROP NOT NULL;
