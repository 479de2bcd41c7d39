-- Store once: the SHA-256 of an upload's whole bytes and the recipe its processing followed, so that media uploaded
-- again (same bytes, same recipe) reuses what processing made the first time instead of making it again. Media share
-- variants by blob key; a blob is deleted only when no row refers to it any more (looked up by key, hence the indexes).
ALTER TABLE uploads ADD COLUMN content_sha256 VARCHAR(64);
ALTER TABLE uploads ADD COLUMN recipe VARCHAR(300);
CREATE INDEX uploads_content ON uploads (content_sha256);
CREATE INDEX variants_blob ON variants (blob_key);
CREATE INDEX variants_content ON variants (sha256);
CREATE INDEX segments_blob ON segments (blob_key);
CREATE INDEX uploads_original ON uploads (original_key);
-- The SHA-256 a client declared for the whole file when it started the upload (RFC 9530 Repr-Digest): FINALIZE checks
-- the bytes against it, and an owner who already holds those bytes may finalize without sending them.
ALTER TABLE uploads ADD COLUMN declared_sha256 VARCHAR(64);
-- The malware scanner's clean verdicts, by content and by the engine and signature database that gave them: the same
-- bytes are not scanned again until the signatures change.
CREATE TABLE clean_content (
    sha256     VARCHAR(64)  NOT NULL,
    engine     VARCHAR(200) NOT NULL,
    scanned_at BIGINT       NOT NULL,
    PRIMARY KEY (sha256, engine)
);
