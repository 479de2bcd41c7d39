package dev.mediaup.core;

import java.util.Set;

/**
 * Who is calling. A user context ({@code userId} set, from a user token, a JWT or OAuth 1.0a) or an app-only token
 * ({@code userId} null); {@code appId} names the OAuth app when there is one. A browser or app presenting an upload
 * {@code grant} acts as the granting user, for that grant's uploads only. {@code credential} names the token the
 * request came with (null for a grant's bearer), so what it makes can follow that token's revocation and expiry.
 */
public record Principal(String userId, Set<String> scopes, String appId, Grant grant, Credential credential) {
    public Principal(String userId, Set<String> scopes, String appId, Credential credential) {
        this(userId, scopes, appId, null, credential);
    }

    /**
     * The bearer of an upload grant: the granting user, able to upload and to read (lookups need tweet.read) — the
     * API confines it to its uploads, and the engine to the media those became.
     */
    public static Principal of(Grant grant) {
        return new Principal(grant.userId(), Set.of("media.write", "tweet.read"), grant.appId(), grant, null);
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean appOnly() {
        return userId == null;
    }

    public boolean viaGrant() {
        return grant != null;
    }

    /** What rate limits count against: the user, or the app for app-only calls (a grant's uploads count as its user's). */
    public String limitKey() {
        return appOnly() ? "app:" + appId : "user:" + userId;
    }
}
