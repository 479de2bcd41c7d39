package dev.mediaup.admin;

import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.core.Grant;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Usage;
import dev.mediaup.core.UserId;
import dev.mediaup.store.AccessStore;
import dev.mediaup.store.GrantStore;
import dev.mediaup.store.UsageLedger;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the {@code mediaup.admin} scope may do over HTTP (the console's admin pages): users' usage, bearer
 * tokens and OAuth apps (create, list, revoke) and every user's upload grants. The same acts as the CLI's
 * {@code token}/{@code app}/{@code user} commands, for a running cluster and for people without a shell on it.
 * Secrets are shown once, at creation; listings never carry them.
 */
public final class AdminService {
    public static final String SCOPE = "mediaup.admin";
    /** The scopes a token may be given: X's media scopes, and the admin one. */
    public static final Set<String> SCOPES = Set.of("media.write", "tweet.read", "users.read", "offline.access", SCOPE);
    /** How many rows a listing returns at most. */
    public static final int MAX_LISTED = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A bearer token as listed: its id (a prefix of its hash), never the token. */
    public record TokenInfo(String id, String kind, String userId, String appKey, List<String> scopes, long createdAt, Long expiresAt,
                            boolean revoked) {}

    /** An OAuth app as listed: no secret. */
    public record AppInfo(String consumerKey, String name, boolean revoked) {}

    /** A new token, shown once, and the id it is listed by. */
    public record NewToken(String id, String token, String userId, List<String> scopes, Long expiresAt) {}

    /** A new app's credentials, shown once. */
    public record NewApp(String consumerKey, String consumerSecret, String name, String bearerToken) {}

    private final AccessStore access;
    private final GrantStore grants;
    private final UsageLedger ledger;
    private final OpaqueTokens tokens;
    private final LongSupplier clock;

    /** {@code tokens}: the verifier this node authenticates with, so a revocation here takes effect here at once. */
    public AdminService(AccessStore access, GrantStore grants, UsageLedger ledger, OpaqueTokens tokens, LongSupplier epochSeconds) {
        this.access = access;
        this.grants = grants;
        this.ledger = ledger;
        this.tokens = tokens;
        this.clock = epochSeconds;
    }

    /** Only a user's own credentials carrying the admin scope: never an app-only token, never a grant. */
    public static void check(Principal who) {
        if (who.appOnly() || who.viaGrant() || !who.has(SCOPE))
            throw Problems.missingScope(SCOPE);
    }

    public List<Usage> users(Principal who) {
        check(who);
        return ledger.usages(Quota.epochDay(clock.getAsLong()), MAX_LISTED);
    }

    public List<TokenInfo> tokens(Principal who) {
        check(who);
        return access.listTokens().stream().map(t -> new TokenInfo(t.tokenId(), t.kind(), t.kind().equals("app") ? null : t.userId(),
                t.appKey(), t.scopes(), t.createdAt(), t.expiresAt(), t.revoked())).toList();
    }

    /** A user token for {@code userId}; the token is returned once and stored only as its hash. */
    public NewToken createToken(Principal who, String userId, List<String> scopes, Long expiresInSecs) {
        check(who);
        if (!UserId.valid(userId)) throw Problems.badUserId("user_id", userId); // as the CLI and additional_owners have it
        if (scopes.isEmpty()) throw Problems.required("scopes");
        for (String s : scopes)
            if (!SCOPES.contains(s))
                throw Problems.notOneOf("scopes", s, SCOPES.stream().sorted().toList());
        if (expiresInSecs != null && (expiresInSecs < 60 || expiresInSecs > 10L * 365 * 86_400))
            throw Problems.outOfRange("expires_in_secs", expiresInSecs, 60, 10L * 365 * 86_400);
        Long expiresAt = expiresInSecs == null ? null : clock.getAsLong() + expiresInSecs;
        List<String> unique = List.copyOf(new LinkedHashSet<>(scopes));
        String token = tokens.createUserToken(userId, unique, expiresAt);
        return new NewToken(OpaqueTokens.idOf(token), token, userId, unique, expiresAt);
    }

    public void revokeToken(Principal who, String id) {
        check(who);
        if (id == null || id.isBlank() || access.revokeToken(id) == 0) throw Problems.notFound("id", id);
        tokens.forgetRecent();
    }

    public List<AppInfo> apps(Principal who) {
        check(who);
        return access.listApps().stream().map(a -> new AppInfo(a.consumerKey(), a.name(), a.revoked())).toList();
    }

    public NewApp createApp(Principal who, String name) {
        check(who);
        if (name == null || name.isBlank() || name.length() > 200)
            throw Problems.lengthOutOfRange("name", name, 1, 200);
        var app = newApp(name.strip());
        access.createApp(app, clock.getAsLong());
        return new NewApp(app.consumerKey(), app.consumerSecret(), app.name(), tokens.createAppToken(app.consumerKey(), null));
    }

    public void revokeApp(Principal who, String consumerKey) {
        check(who);
        if (!access.revokeApp(consumerKey)) throw Problems.notFound("consumer_key", consumerKey);
        tokens.forgetRecent();
    }

    public List<Grant> grants(Principal who) {
        check(who);
        return grants.all(MAX_LISTED);
    }

    public void revokeGrant(Principal who, String id) {
        check(who);
        if (!grants.revokeAny(id)) throw Problems.notFound("id", id);
    }

    public long now() {
        return clock.getAsLong();
    }

    /** A new OAuth app's credentials: a consumer key of 144 random bits and a secret of 288 (the CLI's `app create` too). */
    public static AccessStore.App newApp(String name) {
        return new AccessStore.App(secret(18), secret(36), name, false);
    }

    /** {@code bytes} random bytes, base64url: consumer keys and secrets, OAuth 1.0a tokens. */
    public static String secret(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
