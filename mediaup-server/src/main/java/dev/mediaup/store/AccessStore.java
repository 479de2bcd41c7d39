package dev.mediaup.store;

import java.util.List;
import java.util.Optional;

/** Credentials: bearer tokens (stored hashed), OAuth apps, OAuth 1.0a tokens and the nonces that stop replays. */
public interface AccessStore {

    /** A bearer token's row: kind "user" (acts as userId) or "app" (app-only, acts as appKey). */
    record Token(String tokenId, String kind, String userId, String appKey, List<String> scopes, long createdAt, Long expiresAt,
                 boolean revoked) {}

    void createToken(String tokenHash, String kind, String userId, String appKey, List<String> scopes, long now, Long expiresAt);

    Optional<Token> findToken(String tokenHash);

    List<Token> listTokens();

    /**
     * Revokes bearer or OAuth 1.0a tokens by token id (or OAuth 1.0a token), and the upload grants they made, in one
     * transaction; returns how many tokens.
     */
    int revokeToken(String tokenIdOrOAuthToken);

    record App(String consumerKey, String consumerSecret, String name, boolean revoked) {}

    void createApp(App app, long now);

    Optional<App> findApp(String consumerKey);

    /** Every app, oldest first (with their secrets: callers that show them to people must leave those out). */
    List<App> listApps();

    /**
     * Revokes an app and every credential acting for it (its app-only bearer tokens, its OAuth 1.0a tokens, the upload
     * grants made through it); false if none.
     */
    boolean revokeApp(String consumerKey);

    record OAuth1Token(String token, String tokenSecret, String consumerKey, String userId, List<String> scopes, boolean revoked) {}

    void createOAuth1Token(OAuth1Token token, long now);

    Optional<OAuth1Token> findOAuth1Token(String token);

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
