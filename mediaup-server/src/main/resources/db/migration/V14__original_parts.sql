-- Store once, with --keep-originals on a store that keeps an original as its uploaded segments (files): a repeat's
-- original is the earlier media's blobs, listed here in order. Kept apart from the repeat's own segments rows, which
-- stay what its client uploaded (its segments listing, its charge) and never show another user's segmentation.
CREATE TABLE original_parts (
    media_id BIGINT       NOT NULL,
    idx      INTEGER      NOT NULL,
    size     BIGINT       NOT NULL,
    blob_key VARCHAR(200) NOT NULL,
    PRIMARY KEY (media_id, idx)
);
CREATE INDEX original_parts_blob ON original_parts (blob_key);
