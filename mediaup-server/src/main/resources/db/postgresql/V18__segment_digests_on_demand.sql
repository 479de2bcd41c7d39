-- A segment's SHA-256 is computed when something first asks for it (a listing, processing), not while the append
-- streams, unless the client sent a checksum: until then the row has none.
ALTER TABLE segments ALTER COLUMN sha256 DROP NOT NULL;
