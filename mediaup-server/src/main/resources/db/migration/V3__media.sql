-- Media objects: the metadata clients attach (alt text and the rest of the spec's fields), as JSON.
ALTER TABLE uploads ADD COLUMN metadata TEXT;

-- Secrets the server makes for itself (e.g. the key that signs delivery URLs); shared by every node of a database.
CREATE TABLE server_secrets (
    name  VARCHAR(64)  PRIMARY KEY,
    value VARCHAR(200) NOT NULL
);
