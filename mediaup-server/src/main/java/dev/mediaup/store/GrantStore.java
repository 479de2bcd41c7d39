package dev.mediaup.store;

import dev.mediaup.core.Grant;

import java.util.List;
import java.util.Optional;

/**
 * Upload grants, found by the SHA-256 of their token (the token itself is shown once and never stored). A grant's
 * uses are claimed by {@link UploadStore#create}, in the transaction that creates the upload.
 */
public interface GrantStore {

    void create(Grant grant, String tokenHash);

    Optional<Grant> findByTokenHash(String tokenHash);

    Optional<Grant> find(String id);

    /** A user's grants, newest first. */
    List<Grant> ownedBy(String userId, int limit);

    /** Revokes the user's grant; false when there is no such grant of theirs. */
    boolean revoke(String id, String userId);

    /** Every user's grants, newest first (for an administrator). */
    List<Grant> all(int limit);

    /** Revokes a grant whoever made it (an administrator's act); false if there is none. */
    boolean revokeAny(String id);
}
