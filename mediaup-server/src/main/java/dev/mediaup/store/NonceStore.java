package dev.mediaup.store;

import java.util.List;

/**
 * The OAuth 1.0a nonces seen within the timestamp window, which is what stops a signed request from being replayed:
 * the verifier records each and the sweeper forgets those older than the window.
 */
public interface NonceStore {

    /** Nonces with a timestamp at or after {@code since}, as "consumer\nnonce\ntimestamp" keys. */
    List<String> recentNonces(long since);

    /**
     * Records an OAuth nonce; false if it was recorded before (a replay). A store that serves one node (SQLite) may
     * record it in the background and answer true at once — its caller keeps the window's nonces in memory; a store
     * shared by several nodes (PostgreSQL) records it before answering, so a replay is caught whichever node it hits.
     */
    boolean recordNonce(String consumerKey, String nonce, long timestamp);

    void purgeNonces(long olderThan);
}
