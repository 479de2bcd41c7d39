package dev.mediaup.auth;

import java.util.Optional;

/**
 * Turns the Authorization header into a Principal. The seam where opaque tokens, JWT/JWKS and OAuth 1.0a plug in;
 * empty means "not authenticated" (401), never "forbidden".
 */
public interface TokenVerifier {
    Optional<Principal> verify(String authorizationHeader);
}
