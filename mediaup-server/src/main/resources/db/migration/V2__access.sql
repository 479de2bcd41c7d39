-- Access: app-only bearer tokens, OAuth 1.0a apps and user tokens, nonces against replay, per-user byte usage.
ALTER TABLE tokens ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'user';
ALTER TABLE tokens ADD COLUMN app_key VARCHAR(64);
ALTER TABLE tokens ADD COLUMN token_id VARCHAR(16);
UPDATE tokens SET token_id = substr(token_hash, 1, 12);

-- OAuth 1.0a verifies an HMAC, so the server must know these secrets: they cannot be stored hashed.
CREATE TABLE apps (
    consumer_key    VARCHAR(64)  PRIMARY KEY,
    consumer_secret VARCHAR(128) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    created_at      BIGINT       NOT NULL,
    revoked         BOOLEAN      NOT NULL DEFAULT FALSE
);

CREATE TABLE oauth1_tokens (
    token        VARCHAR(128) PRIMARY KEY,
    token_secret VARCHAR(128) NOT NULL,
    consumer_key VARCHAR(64)  NOT NULL,
    user_id      VARCHAR(64)  NOT NULL,
    scopes       VARCHAR(500) NOT NULL,
    created_at   BIGINT       NOT NULL,
    revoked      BOOLEAN      NOT NULL DEFAULT FALSE
);

CREATE TABLE oauth_nonces (
    consumer_key VARCHAR(64)  NOT NULL,
    nonce        VARCHAR(128) NOT NULL,
    ts           BIGINT       NOT NULL,
    PRIMARY KEY (consumer_key, nonce, ts)
);
CREATE INDEX oauth_nonces_ts ON oauth_nonces (ts);

-- Byte accounting kept in step with segments, in the same transactions, so quota checks are O(1).
CREATE TABLE usage_stored (
    user_id      VARCHAR(64) PRIMARY KEY,
    stored_bytes BIGINT      NOT NULL
);
CREATE TABLE usage_daily (
    user_id        VARCHAR(64) NOT NULL,
    day            BIGINT      NOT NULL,
    uploaded_bytes BIGINT      NOT NULL,
    PRIMARY KEY (user_id, day)
);
INSERT INTO usage_stored (user_id, stored_bytes)
    SELECT u.owner_id, SUM(s.size) FROM segments s JOIN uploads u ON u.id = s.upload_id GROUP BY u.owner_id;
