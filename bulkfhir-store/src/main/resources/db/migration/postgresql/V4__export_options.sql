-- Issue 4: the 2.0/3.0 kick-off parameters of a job (JSON, see ExportOptions).
ALTER TABLE export_job ADD COLUMN options TEXT;

-- seq: the order files were sealed in within a job, so manifest pages (allowPartialManifests)
-- can be cut once and never change. continues_in: with organizeOutputBy, the file a split
-- block goes on in.
ALTER TABLE export_file ADD COLUMN seq BIGINT;
ALTER TABLE export_file ADD COLUMN continues_in TEXT;
CREATE INDEX export_file_seq ON export_file (job_id, seq);

-- A manifest page, frozen with the files it listed the first time it was served (S-57, S-66).
CREATE TABLE export_manifest_page (
    job_id    TEXT   NOT NULL,
    page      BIGINT NOT NULL,
    first_seq BIGINT NOT NULL,
    last_seq  BIGINT NOT NULL,
    PRIMARY KEY (job_id, page)
);

-- LatestProvenanceResources picks, per exported resource, the Provenance recorded last.
CREATE INDEX idx_date_provenance_recorded ON idx_date (res_pk, low) WHERE res_type = 'Provenance' AND param = 'recorded';
