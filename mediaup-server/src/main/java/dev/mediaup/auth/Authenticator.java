package dev.mediaup.auth;

import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;

import java.util.List;
import java.util.Optional;

/** Asks each configured verifier in turn; the first that recognises the credentials decides. None: 401. */
public final class Authenticator {
    private final List<TokenVerifier> verifiers;

    public Authenticator(List<TokenVerifier> verifiers) {
        this.verifiers = List.copyOf(verifiers);
    }

    public Principal authenticate(TokenVerifier.Request r) {
        if (r.authorization() == null || r.authorization().isBlank()) throw Problems.unauthorized();
        for (TokenVerifier v : verifiers) {
            Optional<Principal> p = v.verify(r);
            if (p.isPresent()) return p.get();
        }
        throw Problems.unauthorized();
    }
}
