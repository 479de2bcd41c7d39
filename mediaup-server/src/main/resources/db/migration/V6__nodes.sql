-- Node ids for the snowflake ids (10 bits): each running node leases one, so ids stay unique across a cluster
-- without configuration. A node that stops renewing frees its id once the lease has run out.
CREATE TABLE nodes (
    node_id     INTEGER     PRIMARY KEY,
    owner       VARCHAR(64) NOT NULL,
    lease_until BIGINT      NOT NULL
);
