-- A grant lives no longer than the credential that made it: revoking that token (or OAuth 1.0a token),
-- or the app it acts for, revokes the grant in the same transaction, and the grant's state says why. A token's expiry
-- is copied here when the grant is made, so an expired token's grants stop without a lookup per request.
ALTER TABLE upload_grants ADD COLUMN credential VARCHAR(200);
ALTER TABLE upload_grants ADD COLUMN credential_expires_at BIGINT;
ALTER TABLE upload_grants ADD COLUMN revoked_reason VARCHAR(32);
CREATE INDEX upload_grants_credential ON upload_grants (credential);
CREATE INDEX upload_grants_app ON upload_grants (app_id);
-- tus concatenation: where a spent partial went in its final upload, so a final POST repeated with the same partials
-- in another order is told it is not the upload it made before.
ALTER TABLE uploads ADD COLUMN concatenated_position INTEGER;
