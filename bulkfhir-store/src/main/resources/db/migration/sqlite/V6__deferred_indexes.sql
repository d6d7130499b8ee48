-- Secondary indexes a bulk load into an empty store dropped and has not rebuilt yet. The loader
-- rebuilds them when it finishes; if it never does (a crash, kill -9), the next open rebuilds
-- them from the definitions kept here, so a store is never left without its indexes.
CREATE TABLE deferred_index (
    name       TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);
