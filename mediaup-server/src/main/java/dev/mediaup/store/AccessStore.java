package dev.mediaup.store;

import java.util.List;
import java.util.Optional;

/** Credentials: bearer tokens (stored hashed), OAuth apps and OAuth 1.0a tokens. */
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
}
