-- One node's OAuth nonces, written twice a second as one row per batch instead of a row each: all a restart needs to
-- keep the replay window closed, for a fraction of the writes. (Several nodes use oauth_nonces' unique key instead.)
CREATE TABLE oauth_nonce_batches (
    id     BIGINT PRIMARY KEY,
    max_ts BIGINT NOT NULL,
    nonces TEXT   NOT NULL
);
CREATE INDEX oauth_nonce_batches_ts ON oauth_nonce_batches (max_ts);
