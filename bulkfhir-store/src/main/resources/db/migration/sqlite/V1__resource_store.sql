-- One row per resource version. The current version has valid_to NULL; an older version's
-- valid_to is the last_updated of the version that replaced it, so "the state as of T" is
-- last_updated <= T AND (valid_to IS NULL OR valid_to > T). Deletes are tombstone versions.
CREATE TABLE resource (
    pk           INTEGER PRIMARY KEY,
    res_type     TEXT    NOT NULL,
    res_id       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    valid_to     INTEGER,
    deleted      INTEGER NOT NULL DEFAULT 0,
    body         BLOB
);
CREATE UNIQUE INDEX resource_version ON resource (res_type, res_id, version);
CREATE INDEX resource_type_pk ON resource (res_type, pk);
CREATE INDEX resource_updated ON resource (res_type, last_updated);

-- Index rows point at a version (res_pk), so a query on a past snapshot sees that version's values.
CREATE TABLE idx_compartment (
    patient_id TEXT    NOT NULL,
    res_type   TEXT    NOT NULL,
    res_pk     INTEGER NOT NULL,
    PRIMARY KEY (patient_id, res_type, res_pk)
) WITHOUT ROWID;
CREATE INDEX idx_compartment_pk ON idx_compartment (res_pk);

CREATE TABLE idx_token (
    res_pk   INTEGER NOT NULL,
    res_type TEXT    NOT NULL,
    param    TEXT    NOT NULL,
    system   TEXT,
    code     TEXT,
    text     TEXT
);
CREATE INDEX idx_token_value ON idx_token (res_type, param, code, res_pk);

CREATE TABLE idx_string (
    res_pk     INTEGER NOT NULL,
    res_type   TEXT    NOT NULL,
    param      TEXT    NOT NULL,
    normalized TEXT    NOT NULL,
    exact      TEXT    NOT NULL
);
CREATE INDEX idx_string_value ON idx_string (res_type, param, normalized, res_pk);

CREATE TABLE idx_date (
    res_pk   INTEGER NOT NULL,
    res_type TEXT    NOT NULL,
    param    TEXT    NOT NULL,
    low      INTEGER NOT NULL,
    high     INTEGER NOT NULL
);
CREATE INDEX idx_date_value ON idx_date (res_type, param, low, res_pk);

CREATE TABLE idx_reference (
    res_pk      INTEGER NOT NULL,
    res_type    TEXT    NOT NULL,
    param       TEXT    NOT NULL,
    target_type TEXT,
    target_id   TEXT,
    url         TEXT
);
CREATE INDEX idx_reference_value ON idx_reference (res_type, param, target_id, res_pk);

CREATE TABLE idx_quantity (
    res_pk   INTEGER NOT NULL,
    res_type TEXT    NOT NULL,
    param    TEXT    NOT NULL,
    value    REAL    NOT NULL,
    system   TEXT,
    code     TEXT,
    unit     TEXT
);
CREATE INDEX idx_quantity_value ON idx_quantity (res_type, param, value, res_pk);

CREATE TABLE idx_uri (
    res_pk   INTEGER NOT NULL,
    res_type TEXT    NOT NULL,
    param    TEXT    NOT NULL,
    uri      TEXT    NOT NULL
);
CREATE INDEX idx_uri_value ON idx_uri (res_type, param, uri, res_pk);

-- Group membership over time: a member row is open (removed_at NULL) while the member is in the
-- Group's current version; the instants let an export ask "members as of T" and "added after S".
CREATE TABLE group_member (
    group_id    TEXT    NOT NULL,
    member_type TEXT    NOT NULL,
    member_id   TEXT    NOT NULL,
    added_at    INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX group_member_group ON group_member (group_id, member_id);

-- A one-row table every writer and snapshot fence updates first, so each holds SQLite's write
-- lock before it reads the clock (see JdbcResourceStore.snapshotTime).
CREATE TABLE store_clock (tick INTEGER NOT NULL);
INSERT INTO store_clock (tick) VALUES (0);
