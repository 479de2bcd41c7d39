package dev.mediaup.auth;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Tests' OAuth 1.0a client: signs like any client, with the RFC-vector-checked base string and HMAC of {@link OAuth1}. */
public final class OAuth1Headers {
    private OAuth1Headers() {}

    /**
     * The Authorization header for a request signed by {@code c} (its consumer_key, consumer_secret, oauth_token and
     * oauth_token_secret), over {@code signedParams} (query and form) and the oauth_* parameters; {@code extra} adds or
     * overrides oauth_* parameters, {@code forcedSignature} (if not null) replaces the signature.
     */
    public static String header(Map<String, String> c, String method, String url, List<String[]> signedParams, String nonce, long ts,
                                String forcedSignature, Map<String, String> extra) {
        Map<String, String> o = new TreeMap<>(Map.of("oauth_consumer_key", c.get("consumer_key"), "oauth_token", c.get("oauth_token"),
                "oauth_signature_method", "HMAC-SHA1", "oauth_timestamp", Long.toString(ts), "oauth_nonce", nonce, "oauth_version", "1.0"));
        o.putAll(extra);
        List<String[]> all = new ArrayList<>(signedParams);
        o.forEach((k, v) -> all.add(new String[]{k, v}));
        String alg = o.get("oauth_signature_method").equals("HMAC-SHA256") ? "HmacSHA256" : "HmacSHA1";
        String sig = forcedSignature != null ? forcedSignature : Base64.getEncoder().encodeToString(
                OAuth1.sign(alg, c.get("consumer_secret"), c.get("oauth_token_secret"), OAuth1.baseString(method, url, all)));
        o.put("oauth_signature", sig);
        StringJoiner h = new StringJoiner(", ", "OAuth ", "");
        o.forEach((k, v) -> h.add(OAuth1.encode(k) + "=\"" + OAuth1.encode(v) + "\""));
        return h.toString();
    }
}
