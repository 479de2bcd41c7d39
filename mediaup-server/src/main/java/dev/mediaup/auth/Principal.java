package dev.mediaup.auth;

import java.util.Set;

/** Who is calling: a user id (X's numeric id style) and the scopes their token carries. */
public record Principal(String userId, Set<String> scopes) {
    public boolean has(String scope) {
        return scopes.contains(scope);
    }
}
