package dev.mediaup.client;

import tools.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire under {@link MediaClient}: one authorized request (a bearer token, or OAuth 1.0a signed per request),
 * retried on network errors, 5xx and 429 with backoff, and X's answers read as data or as a {@link MediaException}.
 */
final class Transport {
    private static final JSON JSON_ = JSON.std;

    private final String base;
    private final String bearer;
    private final String[] oauth1; // consumer key, consumer secret, token, token secret
    private final HttpClient http;
    private final Duration timeout;
    private final int maxRetries;

    Transport(String base, String bearer, String[] oauth1, Duration timeout, int maxRetries) {
        this.base = base;
        this.bearer = bearer;
        this.oauth1 = oauth1;
        this.timeout = timeout;
        this.maxRetries = maxRetries;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** Whether this is X's own API (api.x.com, upload.twitter.com), which speaks X's protocol and nothing more. */
    boolean isX() {
        String host = URI.create(base).getHost();
        return host != null && (host.equals("api.x.com") || host.endsWith(".twitter.com"));
    }

    // ---- HTTP ----

    static Map<String, Object> parse(byte[] body) {
        try {
            return body.length == 0 ? Map.of() : JSON_.mapFrom(body);
        } catch (RuntimeException e) { // Jackson 3 reports everything unchecked
            return Map.of("detail", new String(body, StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(byte[] body) {
        Map<String, Object> r = parse(body);
        Object d = r.get("data");
        if (!(d instanceof Map)) throw new MediaException(200, r, "the answer has no data object", null);
        Map<String, Object> data = (Map<String, Object>) d;
        // a failed media's reason comes beside data, in errors (X's processing_info has no room for it): keep it with
        // the processing state it explains, where Media.from reads it
        if (data.get("processing_info") instanceof Map<?, ?> pi && r.get("errors") instanceof List<?> l && !l.isEmpty()
                && l.get(0) instanceof Map<?, ?> e) {
            Map<String, Object> info = new LinkedHashMap<>((Map<String, Object>) pi);
            info.put("error", Map.of("name", String.valueOf(e.get("title")), "message", String.valueOf(e.get("detail"))));
            data = new LinkedHashMap<>(data);
            data.put("processing_info", info);
        }
        return data;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstError(Map<String, Object> r) {
        Object e = r.get("errors");
        return e instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map ? (Map<String, Object>) l.get(0) : r;
    }

    byte[] call(String method, String pathAndQuery, String contentType, byte[] body, String... headers) {
        return send(method, pathAndQuery, contentType, body == null ? null : () -> HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** One call, retried on network errors, 5xx and 429 with backoff (429: until the rate limit resets). */
    byte[] send(String method, String pathAndQuery, String contentType, Supplier<HttpRequest.BodyPublisher> body,
                        String... headers) {
        return respond(method, pathAndQuery, contentType, body, headers).body();
    }

    /** One request, once, whatever its answer: the caller reads status and fields (and decides about retrying). */
    HttpResponse<byte[]> exchange(String method, String pathAndQuery, String contentType, HttpRequest.BodyPublisher body,
                                  String... headers) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body)
                .header("Authorization", authorization(method, base + pathAndQuery));
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@link #send}, with the whole response (its fields too). */
    HttpResponse<byte[]> respond(String method, String pathAndQuery, String contentType, Supplier<HttpRequest.BodyPublisher> body,
                                 String... headers) {
        MediaException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (Thread.currentThread().isInterrupted()) throw new CancellationException();
            long waitMs;
            try {
                HttpResponse<byte[]> r = exchange(method, pathAndQuery, contentType, body == null ? null : body.get(), headers);
                if (r.statusCode() / 100 == 2) return r;
                last = failure(method, pathAndQuery, r);
                if (!last.retryable()) throw last;
                waitMs = r.statusCode() == 429 ? untilReset(r) : backoff(attempt);
            } catch (IOException e) {
                last = new MediaException(0, null, method + " " + base + pathAndQuery + " failed: " + why(e), e);
                waitMs = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException();
            }
            if (attempt == maxRetries) break;
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException();
            }
        }
        throw last;
    }

    /** An answer that is not a success, as the exception callers see: X's problem, with its status. */
    static MediaException failure(String method, String pathAndQuery, HttpResponse<byte[]> r) {
        Map<String, Object> problem = firstError(parse(r.body()));
        return new MediaException(r.statusCode(), problem, method + " " + pathAndQuery + " → " + r.statusCode() + ": "
                + (problem.get("detail") != null ? problem.get("detail") : problem.get("message") != null ? problem.get("message")
                        : "no detail"), null);
    }

    static long backoffMillis(int attempt) {
        return backoff(attempt);
    }

    /** What went wrong with the connection, in words: the cause's own message, or what its kind means (never a bare class name). */
    static String why(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "cannot connect (" + (t.getMessage() == null ? "connection refused"
                    : t.getMessage()) + "): is the server running at that address?";
            if (t instanceof UnknownHostException) return "unknown host " + t.getMessage();
            if (t instanceof HttpTimeoutException) return "no answer in time (" + t.getMessage() + ")";
            if (t.getMessage() != null && !t.getMessage().isBlank()) return t.getMessage();
        }
        return e.getClass().getSimpleName();
    }

    private static long backoff(int attempt) {
        return Math.min(10_000, 200L << Math.min(attempt, 6)) + ThreadLocalRandom.current().nextLong(100);
    }

    private static long untilReset(HttpResponse<?> r) {
        var retryAfter = r.headers().firstValue("Retry-After");
        if (retryAfter.isPresent() && retryAfter.get().matches("[0-9]+")) return Long.parseLong(retryAfter.get()) * 1000;
        var reset = r.headers().firstValue("x-rate-limit-reset");
        if (reset.isPresent() && reset.get().matches("[0-9]+"))
            return Math.max(0, Long.parseLong(reset.get()) * 1000 - System.currentTimeMillis()) + 100;
        return 1000;
    }

    // ---- OAuth 1.0a (RFC 5849) ----

    private String authorization(String method, String url) {
        if (oauth1 == null) return "Bearer " + bearer;
        byte[] n = new byte[16];
        new SecureRandom().nextBytes(n);
        Map<String, String> o = new TreeMap<>(Map.of("oauth_consumer_key", oauth1[0], "oauth_token", oauth1[2],
                "oauth_signature_method", "HMAC-SHA1", "oauth_timestamp", Long.toString(System.currentTimeMillis() / 1000),
                "oauth_nonce", HexFormat.of().formatHex(n), "oauth_version", "1.0"));
        List<String> pairs = new ArrayList<>();
        o.forEach((k, v) -> pairs.add(enc(k) + "=" + enc(v)));
        URI u = URI.create(url);
        if (u.getRawQuery() != null)
            for (String kv : u.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                pairs.add(enc(decode(p[0])) + "=" + enc(p.length > 1 ? decode(p[1]) : ""));
            }
        Collections.sort(pairs);
        String baseUrl = u.getScheme() + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT) + u.getRawPath();
        String baseString = method + "&" + enc(baseUrl) + "&" + enc(String.join("&", pairs));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((enc(oauth1[1]) + "&" + enc(oauth1[3])).getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            o.put("oauth_signature", Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        StringJoiner h = new StringJoiner(", ", "OAuth ", "");
        o.forEach((k, v) -> h.add(enc(k) + "=\"" + enc(v) + "\""));
        return h.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A form field, then the media part, sent from the media's own array: no copy into a second, body-sized buffer. */
    static HttpRequest.BodyPublisher multipart(String boundary, String field, String value, byte[] media) {
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"media\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofByteArray(media),
                HttpRequest.BodyPublishers.ofByteArray(tail));
    }
}
