-- PostgreSQL only: the rate-limit buckets every node shares (Bucket4j's JDBC layout). On SQLite, one node keeps
-- its buckets in memory.
CREATE TABLE bucket (
    id    VARCHAR(200) PRIMARY KEY,
    state BYTEA
);
