-- Export jobs live in the database so that any node can serve their status and files and a
-- restarted node finishes what was accepted. Instants are epoch milliseconds.
CREATE TABLE export_job (
    id               TEXT    PRIMARY KEY,
    client_id        TEXT    NOT NULL,
    level            TEXT    NOT NULL,
    group_id         TEXT,
    request_url      TEXT    NOT NULL,
    output_format    TEXT    NOT NULL,
    since_ms         BIGINT,
    types            TEXT,
    ignored          TEXT,
    transaction_time BIGINT NOT NULL,
    status           TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    completed_at     BIGINT,
    expires_at       BIGINT,
    error            TEXT,
    tasks_total      BIGINT NOT NULL DEFAULT 1,
    tasks_done       BIGINT NOT NULL DEFAULT 0,
    planned_rows     BIGINT NOT NULL DEFAULT 0,
    done_rows        BIGINT NOT NULL DEFAULT 0,
    resources        BIGINT NOT NULL DEFAULT 0,
    last_served      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX export_job_client ON export_job (client_id, status);
CREATE INDEX export_job_status ON export_job (status, expires_at);

-- A unit of work claimed by one worker under a lease. kind: plan | range (res_type, lo_pk..hi_pk)
-- | patients (lo_key..hi_key of export_job_patient.sort_key) | context | deleted.
CREATE TABLE export_task (
    id          BIGSERIAL PRIMARY KEY,
    job_id      TEXT    NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT    NOT NULL,
    res_type    TEXT,
    lo_pk       BIGINT,
    hi_pk       BIGINT,
    lo_key      TEXT,
    hi_key      TEXT,
    full_history BIGINT NOT NULL DEFAULT 0,
    estimate    BIGINT NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    resources   BIGINT,
    error       TEXT
);
CREATE UNIQUE INDEX export_task_seq ON export_task (job_id, seq);
CREATE INDEX export_task_claim ON export_task (status, lease_until);

-- Sealed files, recorded in the transaction that completes their task.
CREATE TABLE export_file (
    job_id     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    task_seq   BIGINT NOT NULL,
    kind       TEXT    NOT NULL,
    res_type   TEXT    NOT NULL,
    line_count BIGINT NOT NULL,
    bytes      BIGINT NOT NULL,
    sha256     TEXT    NOT NULL,
    PRIMARY KEY (job_id, name)
);

-- The patients of a Patient/Group-level job as of its transactionTime. sort_key orders them
-- (patients whose whole record is due first, then the rest) and cuts them into task batches.
CREATE TABLE export_job_patient (
    job_id       TEXT    NOT NULL,
    sort_key     TEXT    NOT NULL,
    patient_id   TEXT    NOT NULL,
    full_history BIGINT NOT NULL,
    PRIMARY KEY (job_id, sort_key)
);
CREATE INDEX export_job_patient_id ON export_job_patient (job_id, patient_id, sort_key);

-- Context resources (Practitioner, Organization...) referenced by what a job exported, each once.
CREATE TABLE export_context_ref (
    job_id      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    PRIMARY KEY (job_id, target_type, target_id)
);

-- Patient/Group exports look up what an exported version references, by its pk.
CREATE INDEX IF NOT EXISTS idx_reference_by_pk ON idx_reference (res_pk);
