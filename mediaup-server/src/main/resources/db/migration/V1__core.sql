-- Uploads are the media too: one row from initialize to expiry. Times are epoch seconds.
CREATE TABLE uploads (
    id                BIGINT PRIMARY KEY,
    owner_id          VARCHAR(64)  NOT NULL,
    media_type        VARCHAR(64)  NOT NULL,
    category          VARCHAR(32)  NOT NULL,
    family            VARCHAR(32)  NOT NULL,
    total_bytes       BIGINT,
    shared            BOOLEAN      NOT NULL,
    additional_owners VARCHAR(2100) NOT NULL,
    state             VARCHAR(16)  NOT NULL,
    created_at        BIGINT       NOT NULL,
    expires_at        BIGINT       NOT NULL,
    size              BIGINT,
    progress          INTEGER      NOT NULL DEFAULT 0,
    width             INTEGER,
    height            INTEGER,
    image_type        VARCHAR(64),
    video_type        VARCHAR(64),
    duration_ms       BIGINT,
    error_code        INTEGER,
    error_name        VARCHAR(64),
    error_message     VARCHAR(1000)
);
CREATE INDEX uploads_expiry ON uploads (state, expires_at);
CREATE INDEX uploads_owner ON uploads (owner_id, id);

-- One row per received segment; blob_key names the exact bytes, so a re-sent index swaps rows atomically.
CREATE TABLE segments (
    upload_id   BIGINT      NOT NULL,
    idx         INTEGER     NOT NULL,
    size        BIGINT      NOT NULL,
    sha256      VARCHAR(64) NOT NULL,
    blob_key    VARCHAR(200) NOT NULL,
    received_at BIGINT      NOT NULL,
    PRIMARY KEY (upload_id, idx)
);

-- The durable job queue: a job is claimed by writing a lease; an expired lease makes it claimable again.
CREATE TABLE jobs (
    upload_id   BIGINT      NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    attempts    INTEGER     NOT NULL DEFAULT 0,
    run_after   BIGINT      NOT NULL,
    lease_owner VARCHAR(64),
    lease_until BIGINT,
    last_error  VARCHAR(1000),
    PRIMARY KEY (upload_id, kind)
);
CREATE INDEX jobs_ready ON jobs (state, run_after);

-- Bearer tokens, stored as SHA-256 of the secret only.
CREATE TABLE tokens (
    token_hash  VARCHAR(64) PRIMARY KEY,
    user_id     VARCHAR(64) NOT NULL,
    scopes      VARCHAR(500) NOT NULL,
    created_at  BIGINT      NOT NULL,
    expires_at  BIGINT,
    revoked     BOOLEAN     NOT NULL DEFAULT FALSE
);
