-- Upload grants (issue 17): single-purpose credentials for browsers and apps, stored only as their token's SHA-256.
-- `used` is claimed in the transaction that creates the upload, so a grant never starts more uploads than it allows.
CREATE TABLE upload_grants (
    id                VARCHAR(32)   PRIMARY KEY,
    token_hash        VARCHAR(64)   NOT NULL UNIQUE,
    user_id           VARCHAR(64)   NOT NULL,
    app_id            VARCHAR(64),
    category          VARCHAR(32)   NOT NULL,
    media_types       VARCHAR(1000) NOT NULL,
    max_bytes         BIGINT,
    max_duration_secs BIGINT,
    uploads           INTEGER       NOT NULL,
    used              INTEGER       NOT NULL DEFAULT 0,
    created_at        BIGINT        NOT NULL,
    expires_at        BIGINT        NOT NULL,
    allowed_origins   VARCHAR(4000) NOT NULL,
    shared            BOOLEAN       NOT NULL,
    additional_owners VARCHAR(4000) NOT NULL,
    revoked           BOOLEAN       NOT NULL DEFAULT FALSE
);
CREATE INDEX upload_grants_user ON upload_grants (user_id, created_at);

-- An upload started with a grant answers to it (only that grant's bearer may drive it; the grant lists it).
ALTER TABLE uploads ADD COLUMN grant_id VARCHAR(32);
ALTER TABLE uploads ADD COLUMN max_duration_secs BIGINT;
CREATE INDEX uploads_grant ON uploads (grant_id);
