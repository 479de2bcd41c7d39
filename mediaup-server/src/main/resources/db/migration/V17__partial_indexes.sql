-- Most uploads have no grant, no content digest yet and no kept original: index only the rows that have one, so a new
-- upload's insert (every initialize) touches two indexes, not five.
DROP INDEX uploads_grant;
CREATE INDEX uploads_grant ON uploads (grant_id) WHERE grant_id IS NOT NULL;
DROP INDEX uploads_content;
CREATE INDEX uploads_content ON uploads (content_sha256) WHERE content_sha256 IS NOT NULL;
DROP INDEX uploads_original;
CREATE INDEX uploads_original ON uploads (original_key) WHERE original_key IS NOT NULL;
