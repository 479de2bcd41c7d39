package dev.mediaup.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.mediaup.core.Credential;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.store.AccessStore;
import dev.mediaup.store.NonceStore;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OAuth 1.0a user context (RFC 5849), as X accepts it on every media endpoint: HMAC-SHA1 (and HMAC-SHA256) over the
 * signature base string of method, base URL, query and form parameters and the oauth_* header parameters — never a
 * JSON or multipart body, as the RFC says. A timestamp outside the window or a nonce seen before is refused.
 */
public final class OAuth1 implements TokenVerifier {
    private final AccessStore access;
    private final NonceStore seen;
    private final LongSupplier clock;
    private final long windowSecs;
    // apps and tokens seen in the last 10 s (revocation takes effect within that), as for bearer tokens; timed by the
    // injected clock, so that rule is tested without waiting for it
    private final Cache<String, Optional<AccessStore.App>> apps;
    private final Cache<String,
            KeyedMac> macs = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
    private final Cache<String, Optional<AccessStore.OAuth1Token>> tokens;
    /**
     * Nonces inside the timestamp window, this node's first check. Every nonce is also recorded in the database —
     * in the background on SQLite (loaded back at startup, so a restart does not reopen the window), before answering
     * on PostgreSQL, where the database's unique key catches a replay sent to another node.
     */
    private final ConcurrentHashMap<Long, Set<String>> nonces = new ConcurrentHashMap<>();
    private final AtomicLong nonceCount = new AtomicLong();
    private volatile long sweptAt;
    /** Memory bound of the replay check: beyond this many nonces inside the window, requests are refused (503). */
    static final long MAX_NONCES = 5_000_000;

    public OAuth1(AccessStore access, NonceStore nonces, LongSupplier epochSeconds, Duration window) {
        this.access = access;
        this.seen = nonces;
        this.clock = epochSeconds;
        this.windowSecs = window.toSeconds();
        Ticker ticker = () -> TimeUnit.SECONDS.toNanos(epochSeconds.getAsLong());
        this.apps = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(10)).ticker(ticker).build();
        this.tokens = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(10)).ticker(ticker).build();
        for (String n : seen.recentNonces(epochSeconds.getAsLong() - this.windowSecs - 1)) {
            String[] p = n.split("\n", 3);
            firstUse(p[0] + "\n" + p[1], Long.parseLong(p[2]));
        }
    }

    /**
     * The replay check: nonces are kept per timestamp second, so a check is one set insert and expiry drops whole
     * seconds once they fall out of the window (a request with such a timestamp is refused before it gets here).
     */
    private boolean firstUse(String consumerAndNonce, long ts) {
        long now = clock.getAsLong();
        if (now != sweptAt) {
            sweptAt = now;
            for (Long second : nonces.keySet())
                if (second < now - windowSecs - 1) {
                    Set<String> gone = nonces.remove(second); // one thread gets it, so it is counted off once
                    if (gone != null) nonceCount.addAndGet(-gone.size());
                }
        }
        if (nonceCount.get() >= MAX_NONCES) throw Problems.busy();
        if (!nonces.computeIfAbsent(ts, k -> ConcurrentHashMap.newKeySet()).add(consumerAndNonce)) return false;
        nonceCount.incrementAndGet();
        return true;
    }

    @Override
    public Optional<Principal> verify(Request r) {
        String h = r.authorization();
        if (h == null || !h.regionMatches(true, 0, "OAuth ", 0, 6)) return Optional.empty();
        Map<String, String> oauth = parseHeader(h.substring(6));
        // RFC 5849 3.1: each protocol parameter once, in one place; a second copy (say, a forged oauth_token in the query
        // ahead of the signed one) would let what is verified and what is used differ
        for (var where : List.of(r.query(), r.form()))
            for (String k : where.keySet())
                if (k.startsWith("oauth_")) throw Problems.oauthMalformed("the OAuth parameter " + k
                        + " appears outside the Authorization header too");
        for (String p : List.of("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce",
                "oauth_signature"))
            if (!oauth.containsKey(p)) throw Problems.oauthMalformed("the header lacks " + p);
        if (oauth.containsKey("oauth_version")
                && !oauth.get("oauth_version").equals("1.0")) throw Problems.oauthMalformed("oauth_version must be 1.0");
        String algorithm = switch (oauth.get("oauth_signature_method")) {
            case "HMAC-SHA1" -> "HmacSHA1";
            case "HMAC-SHA256" -> "HmacSHA256";
            default -> throw Problems.oauthMalformed("oauth_signature_method must be HMAC-SHA1 or HMAC-SHA256");
        };
        long ts;
        try {
            ts = Long.parseLong(oauth.get("oauth_timestamp"));
        } catch (NumberFormatException e) {
            throw Problems.oauthMalformed("oauth_timestamp must be epoch seconds");
        }
        if (Math.abs(clock.getAsLong() - ts) > windowSecs) throw Problems.oauthStale(windowSecs);

        var app = apps.get(oauth.get("oauth_consumer_key"), access::findApp).filter(a -> !a.revoked());
        var token = tokens.get(oauth.get("oauth_token"), access::findOAuth1Token).filter(t -> !t.revoked());
        // same work whether or not the app and token exist, then one answer: nothing tells which part was unknown
        String consumerSecret = app.map(AccessStore.App::consumerSecret).orElse("");
        String tokenSecret = token.map(AccessStore.OAuth1Token::tokenSecret).orElse("");
        List<String[]> params = new ArrayList<>();
        r.query().forEach((k, vs) -> vs.forEach(v -> params.add(new String[]{k, v})));
        r.form().forEach((k, vs) -> vs.forEach(v -> params.add(new String[]{k, v})));
        oauth.forEach((k, v) -> { if (!k.equals("oauth_signature") && !k.equals("realm")) params.add(new String[]{k, v}); });
        byte[] expected = macs.get(algorithm + "\n" + consumerSecret + "\n" + tokenSecret, k -> mac(algorithm, consumerSecret, tokenSecret))
                .sign(baseString(r.method(), r.baseUrl(), params));
        byte[] given;
        try {
            given = Base64.getDecoder().decode(oauth.get("oauth_signature"));
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        boolean ok = MessageDigest.isEqual(expected, given) && app.isPresent() && token.isPresent()
                && token.get().consumerKey().equals(app.get().consumerKey());
        if (!ok) throw Problems.oauthSignature();
        String consumer = app.get().consumerKey(), nonce = oauth.get("oauth_nonce");
        if (!firstUse(consumer + "\n" + nonce, ts))
            throw Problems.oauthReplay();
        if (!seen.recordNonce(consumer, nonce, ts)) // another node saw it (shared database); a single node answers from memory
            throw Problems.oauthReplay();
        return Optional.of(new Principal(token.get().userId(), Set.copyOf(token.get().scopes()), app.get().consumerKey(),
                Credential.oauth1(token.get().token())));
    }

    /** RFC 5849 3.4.1: METHOD & encoded base URL & encoded, sorted, encoded parameters. */
    public static String baseString(String method, String baseUrl, List<String[]> params) {
        List<String> pairs = new ArrayList<>();
        for (String[] p : params) pairs.add(encode(p[0]) + "=" + encode(p[1]));
        Collections.sort(pairs); // sorting encoded "name=value" sorts by name, then value, as 3.4.1.3.2 asks
        return method.toUpperCase(Locale.ROOT) + "&" + encode(baseUrl) + "&" + encode(String.join("&", pairs));
    }

    public static byte[] sign(String hmacAlgorithm, String consumerSecret, String tokenSecret, String baseString) {
        return mac(hmacAlgorithm, consumerSecret, tokenSecret).sign(baseString);
    }

    /** An initialized HMAC, cloned for each use: the key schedule is done once per token, not once per request. */
    record KeyedMac(Mac prototype) {
        byte[] sign(String baseString) {
            try {
                return ((Mac) prototype.clone()).doFinal(baseString.getBytes(StandardCharsets.UTF_8));
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static KeyedMac mac(String hmacAlgorithm, String consumerSecret, String tokenSecret) {
        try {
            Mac mac = Mac.getInstance(hmacAlgorithm);
            mac.init(new SecretKeySpec((encode(consumerSecret) + "&" + encode(tokenSecret)).getBytes(StandardCharsets.UTF_8),
                    hmacAlgorithm));
            return new KeyedMac(mac);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3986 percent-encoding: everything but ALPHA, DIGIT, '-', '.', '_', '~', UTF-8, upper-case hex. */
    public static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
                b.append((char) c);
            else b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
        }
        return b.toString();
    }

    /** Percent-decoding where there is anything to decode ('+' is a plus here, not a space). */
    private static String decode(String s) {
        return s.indexOf('%') < 0 ? s : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code k1="v1", k2="v2"}, values percent-encoded (RFC 5849 3.5.1). */
    static Map<String, String> parseHeader(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) continue;
            String v = p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            String name;
            try {
                name = decode(p.substring(0, eq).trim());
                v = decode(v);
            } catch (IllegalArgumentException e) {
                throw Problems.oauthMalformed("the header does not parse");
            }
            if (m.put(name, v) != null) throw Problems.oauthMalformed("the header repeats " + name);
        }
        return m;
    }
}
