-- State that several server nodes on one database must agree on, kept here rather than in
-- one node's memory.

-- Poll pacing (S-50): when the status of a running job was last answered and the Retry-After
-- it advised, so a client hopping between nodes behind a load balancer is paced the same.
ALTER TABLE export_job ADD COLUMN polled_at BIGINT;
ALTER TABLE export_job ADD COLUMN poll_advice_ms BIGINT;
-- Until when some node is streaming one of the job's files; the janitor of every node leaves
-- an expired job's files alone until then (S-16). Nodes serving a download keep pushing it on.
ALTER TABLE export_job ADD COLUMN download_until BIGINT;

-- Token buckets of the per-client limits: one row per limited key, refilled on use.
CREATE TABLE rate_bucket (
    bucket_key TEXT             PRIMARY KEY,
    tokens     DOUBLE PRECISION NOT NULL,
    updated    BIGINT           NOT NULL
);
