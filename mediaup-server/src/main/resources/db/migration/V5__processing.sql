-- Files processing makes from an upload (sizes, renditions, posters, WebVTT), served by name.
CREATE TABLE variants (
    media_id     BIGINT       NOT NULL,
    name         VARCHAR(32)  NOT NULL,
    content_type VARCHAR(64)  NOT NULL,
    size         BIGINT       NOT NULL,
    width        INTEGER,
    height       INTEGER,
    bit_rate     INTEGER,
    sha256       VARCHAR(64)  NOT NULL,
    blob_key     VARCHAR(200) NOT NULL,
    PRIMARY KEY (media_id, name)
);

-- The processor's estimate of when to look again (STATUS's check_after_secs), from its real progress.
ALTER TABLE uploads ADD COLUMN check_after_secs INTEGER NOT NULL DEFAULT 1;

-- Webhook outbox: one row per (media, event, target URL), written in the transaction that ends processing, kept
-- until the target answers 2xx. So an event is delivered at least once, across crashes and restarts.
CREATE TABLE webhook_outbox (
    media_id        BIGINT        NOT NULL,
    event           VARCHAR(16)   NOT NULL,
    url             VARCHAR(1000) NOT NULL,
    created_at      BIGINT        NOT NULL,
    attempts        INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at BIGINT        NOT NULL,
    delivered_at    BIGINT,
    last_error      VARCHAR(1000),
    PRIMARY KEY (media_id, event, url)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at);
