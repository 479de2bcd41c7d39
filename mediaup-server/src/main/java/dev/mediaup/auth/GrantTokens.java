package dev.mediaup.auth;

import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Refusal;
import dev.mediaup.store.GrantStore;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Upload grants as bearer tokens ({@code mug_…}): like user tokens, 256 random bits shown once and stored as their
 * SHA-256. Unlike them, never cached: a revoked grant stops at the next request, and a grant's every request needs
 * its row anyway (the count and caps it carries).
 */
public final class GrantTokens implements TokenVerifier {
    public static final String PREFIX = "mug_";

    /** A new grant token and the hash to store (the token is the caller's to hand out, once). */
    public record Issued(String token, String hash) {}

    private final GrantStore grants;
    private final LongSupplier clock;

    public GrantTokens(GrantStore grants, LongSupplier epochSeconds) {
        this.grants = grants;
        this.clock = epochSeconds;
    }

    public static Issued issue() {
        String token = OpaqueTokens.newToken(PREFIX);
        return new Issued(token, OpaqueTokens.hash(token));
    }

    @Override
    public Optional<Principal> verify(Request r) {
        String token = OpaqueTokens.bearer(r.authorization());
        if (token == null || !token.startsWith(PREFIX) || token.length() > 512) return Optional.empty();
        var grant = grants.findByTokenHash(OpaqueTokens.hash(token)).orElseThrow(() -> Problems.unauthorized());
        if (!grant.live(clock.getAsLong())) throw UploadProblems.refused(new Refusal.GrantNotLive(grant.id()));
        return Optional.of(Principal.of(grant));
    }
}
