-- A kept original assembled into one blob (object stores): the blob, while the segment rows keep saying what was
-- appended (the segments listing) and stay the basis of quotas.
ALTER TABLE uploads ADD COLUMN original_key TEXT;
