-- A segment's SHA-256 is computed when something first asks for it (a listing, processing), not while the append
-- streams, unless the client sent a checksum: until then the row has none. SQLite cannot drop a NOT NULL in place:
-- the table is made again with the same columns, rows and index.
CREATE TABLE segments_v18 (
    upload_id   BIGINT      NOT NULL,
    idx         INTEGER     NOT NULL,
    size        BIGINT      NOT NULL,
    sha256      VARCHAR(64),
    blob_key    VARCHAR(200) NOT NULL,
    received_at BIGINT      NOT NULL,
    PRIMARY KEY (upload_id, idx)
);
INSERT INTO segments_v18 (upload_id, idx, size, sha256, blob_key, received_at)
    SELECT upload_id, idx, size, sha256, blob_key, received_at FROM segments;
DROP TABLE segments;
ALTER TABLE segments_v18 RENAME TO segments;
CREATE INDEX segments_blob ON segments (blob_key);
