package dev.mediaup.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mediaup.core.Credential;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.store.AccessStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Bearer tokens issued by mediaup: 256 random bits, handed out once, stored only as their SHA-256. A database leak
 * therefore yields no usable token, and lookup by hash needs no constant-time compare. User tokens act as a user;
 * app tokens (X's app-only bearer tokens) act as an app and may only read.
 */
public final class OpaqueTokens implements TokenVerifier {
    public static final List<String> DEFAULT_SCOPES = List.of("media.write", "tweet.read", "users.read");
    public static final String PREFIX = "mu_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccessStore access;
    private final LongSupplier clock;
    /**
     * Recently verified tokens, by hash: every request carries one, and a database read per request was a fifth of
     * the cost of an initialize. Entries live 10 s, so an expiry or revocation takes effect within that.
     */
    private final Cache<String, Optional<AccessStore.Token>> recent = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(10)).build();

    public OpaqueTokens(AccessStore access, LongSupplier epochSeconds) {
        this.access = access;
        this.clock = epochSeconds;
    }

    public String createUserToken(String userId, List<String> scopes, Long expiresAt) {
        return create("user", userId, null, scopes, expiresAt);
    }

    public String createAppToken(String appKey, Long expiresAt) {
        return create("app", null, appKey, List.of("tweet.read", "users.read"), expiresAt);
    }

    private String create(String kind, String userId, String appKey, List<String> scopes, Long expiresAt) {
        String token = newToken(PREFIX);
        access.createToken(hash(token), kind, userId, appKey, scopes, clock.getAsLong(), expiresAt);
        return token;
    }

    @Override
    public Optional<Principal> verify(Request r) {
        String token = bearer(r.authorization());
        if (token == null || !token.startsWith(PREFIX) || token.length() > 512) return Optional.empty();
        long now = clock.getAsLong();
        return recent.get(hash(token), access::findToken)
                .filter(t -> !t.revoked() && (t.expiresAt() == null || t.expiresAt() > now))
                .map(t -> new Principal(t.kind().equals("app") ? null : t.userId(), Set.copyOf(t.scopes()), t.appKey(),
                        Credential.token(t.tokenId(), t.expiresAt())))
                .or(() -> { throw Problems.unauthorized(); });
    }

    /** The id a token is listed and revoked by: the first 12 hex digits of its hash (so the id reveals nothing usable). */
    public static String idOf(String token) {
        return hash(token).substring(0, 12);
    }

    /** Drops the recently verified tokens, so a revocation made through this node takes effect on it at once. */
    public void forgetRecent() {
        recent.invalidateAll();
    }

    /** 256 random bits after {@code prefix}, base64url. */
    static String newToken(String prefix) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The token of a {@code Bearer} header, or null. */
    static String bearer(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String t = header.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
