package dev.mediaup.auth;

import dev.mediaup.core.Principal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a request's credentials into a Principal: the seam where opaque tokens, JWT/JWKS and OAuth 1.0a plug in.
 * Empty means "these credentials are not mine to judge"; a verifier that recognises them but finds them wrong
 * throws an UNAUTHORIZED Problem saying why.
 */
public interface TokenVerifier {

    /** The parts of a request that credentials can cover (OAuth 1.0a signs method, URL, query and form fields). */
    record Request(String authorization, String method, String baseUrl, Map<String, List<String>> query, Map<String, List<String>> form) {}

    Optional<Principal> verify(Request request);
}
