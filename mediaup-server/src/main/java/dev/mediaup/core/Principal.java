package dev.mediaup.core;

import java.util.Set;

/**
 * Who is calling. A user context ({@code userId} set, from a user token, a JWT or OAuth 1.0a) or an app-only token
 * ({@code userId} null); {@code appId} names the OAuth app when there is one.
 */
public record Principal(String userId, Set<String> scopes, String appId) {
    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean appOnly() {
        return userId == null;
    }

    /** What rate limits count against: the user, or the app for app-only calls. */
    public String limitKey() {
        return appOnly() ? "app:" + appId : "user:" + userId;
    }
}
