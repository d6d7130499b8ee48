-- Resource bodies over about 2 kB are compressed when stored. pglz, the default, took 3% of a
-- bulk load's CPU in the database and is slow to decompress when an export reads the bodies
-- back; lz4 does both several times faster for nearly the same size. Bodies stored before keep
-- pglz until they are rewritten; both read back alike. A server older than PostgreSQL 14, or
-- one built without lz4, keeps pglz.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'ALTER TABLE resource ALTER COLUMN body SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available; resource bodies stay compressed with pglz';
END
$$;
