-- PostgreSQL only (SQLite does not enforce declared lengths): names of pictures made on request carry their request —
-- "x.frame.t7500.640x0.inside.q80.webp", a cover crop its focal point — longer than the 32 characters processing's
-- own names ever needed. At most about 70; room to spare.
ALTER TABLE variants ALTER COLUMN name TYPE VARCHAR(120);
