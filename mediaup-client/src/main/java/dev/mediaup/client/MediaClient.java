package dev.mediaup.client;

import tools.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client for the X API v2 media endpoints — mediaup's, and api.x.com's, since the wire is the same. One call
 * uploads a file: segments go in parallel, each retried on network errors, 5xx and 429 (honouring the rate-limit
 * reset), each with its SHA-256 so mediaup verifies it before acknowledging; then FINALIZE and STATUS polling as
 * check_after_secs asks. An interrupted upload resumes from what the server acknowledged.
 *
 * <pre>{@code
 * var client = MediaClient.builder().baseUrl("http://127.0.0.1:8080").bearerToken(token).build();
 * Media m = client.upload(Path.of("clip.mp4"), "tweet_video");
 * }</pre>
 */
public final class MediaClient {
    private static final JSON JSON_ = JSON.std;
    private static final long MIB = 1024 * 1024;
    /** Images up to X's 5 MB image limit go in one request (the one-shot upload); everything else in segments. */
    private static final long ONE_SHOT_MAX = 5 * MIB;

    private final String base;
    private final String bearer;
    private final String[] oauth1; // consumer key, consumer secret, token, token secret
    private final HttpClient http;
    private final Duration timeout;
    private final int parallelism;
    private final long segmentSize;
    private final int maxRetries;

    private MediaClient(Builder b) {
        this.base = b.baseUrl.replaceAll("/+$", "");
        this.bearer = b.bearer;
        this.oauth1 = b.oauth1;
        this.timeout = b.timeout;
        this.parallelism = b.parallelism;
        this.segmentSize = b.segmentSize;
        this.maxRetries = b.maxRetries;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.timeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String baseUrl = "https://api.x.com";
        private String bearer;
        private String[] oauth1;
        private Duration timeout = Duration.ofSeconds(60);
        private int parallelism = 4;
        private long segmentSize = 4 * MIB;
        private int maxRetries = 6;

        public Builder baseUrl(String url) { this.baseUrl = url; return this; }

        /** OAuth 2.0 bearer token (user context to upload). */
        public Builder bearerToken(String token) { this.bearer = token; return this; }

        /** OAuth 1.0a user context: every request is signed (HMAC-SHA1). */
        public Builder oauth1(String consumerKey, String consumerSecret, String token, String tokenSecret) {
            this.oauth1 = new String[]{consumerKey, consumerSecret, token, tokenSecret};
            return this;
        }

        public Builder timeout(Duration t) { this.timeout = t; return this; }

        /** Segments in flight at once (default 4). */
        public Builder parallelism(int n) { this.parallelism = Math.max(1, n); return this; }

        /** Preferred segment size (default 4 MiB; grown when a file would need more than 1000 segments). */
        public Builder segmentSize(long bytes) { this.segmentSize = Math.max(1, bytes); return this; }

        /** Attempts per request after the first, for network errors, 5xx and 429 (default 6). */
        public Builder maxRetries(int n) { this.maxRetries = Math.max(0, n); return this; }

        public MediaClient build() {
            if (bearer == null && oauth1 == null) throw new IllegalStateException("give a bearerToken or oauth1 credentials");
            return new MediaClient(this);
        }
    }

    /** Bytes sent so far of the whole file, then processing progress. Called from worker threads. */
    public interface ProgressListener {
        void bytesSent(long sent, long total);

        default void processing(int percent) {}
    }

    // ---- uploads ----

    /** Uploads a file and waits for processing; the media type is guessed from the file name. */
    public Media upload(Path file, String mediaCategory) {
        return newUpload(file, mediaCategory).start().join();
    }

    /** Finishes an interrupted upload: asks which segments the server has, sends only the others. */
    public Media resume(String uploadId, Path file) {
        return newUpload(file, (String) null).resume(uploadId).start().join();
    }

    public Upload newUpload(Path file, String mediaCategory) {
        return new Upload(file, null, mediaCategory);
    }

    public Upload newUpload(Path file, MediaCategory category) {
        return newUpload(file, category.wire());
    }

    /** Uploads a file and waits for processing. */
    public Media upload(Path file, MediaCategory category) {
        return upload(file, category.wire());
    }

    /** Uploads a stream of unknown length (chunked, without total_bytes); its media type must be given. */
    public Media upload(InputStream in, String mediaType, MediaCategory category) {
        return new Upload(null, in, category.wire()).mediaType(mediaType).start().join();
    }

    /** X's media_category values. */
    public enum MediaCategory {
        TWEET_IMAGE, TWEET_GIF, TWEET_VIDEO, AMPLIFY_VIDEO, DM_IMAGE, DM_GIF, DM_VIDEO, SUBTITLES;

        public String wire() { return name().toLowerCase(Locale.ROOT); }
    }

    /** One upload, configured, then started; it can be cancelled while it runs. */
    public final class Upload {
        private final Path file;
        private final InputStream stream;
        private final String category;
        private String mediaType;
        private String resumeId;
        private ProgressListener listener = (s, t) -> {};
        private volatile boolean cancelled;
        private volatile String id;
        private CompletableFuture<Media> result;
        private ExecutorService pool;
        private final List<Future<?>> work = new CopyOnWriteArrayList<>();

        private Upload(Path file, InputStream stream, String category) {
            this.file = file;
            this.stream = stream;
            this.category = category;
        }

        public Upload mediaType(String type) { this.mediaType = type; return this; }

        public Upload progress(ProgressListener l) { this.listener = l; return this; }

        public Upload resume(String uploadId) { this.resumeId = uploadId; return this; }

        /** The upload id, once INIT answered (or the one being resumed). */
        public String id() { return id; }

        public synchronized Upload start() {
            if (result == null) result = CompletableFuture.supplyAsync(this::run, runnable -> daemon(runnable).start());
            return this;
        }

        /** Waits for the outcome; a failure arrives as MediaException, a cancellation as CancellationException. */
        public Media join() {
            try {
                return start().result.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        }

        /** Stops sending; segments already acknowledged stay on the server (resume() can use them). */
        public void cancel() {
            cancelled = true;
            work.forEach(f -> f.cancel(true)); // queued segments never start; running ones are interrupted
            ExecutorService p = pool;
            if (p != null) p.shutdownNow();
        }

        private Media run() {
            try {
                long size = stream == null ? Files.size(file) : -1;
                String type = mediaType != null ? mediaType : guessType(file);
                if (resumeId == null && stream == null && size <= ONE_SHOT_MAX && category != null && category.endsWith("_image"))
                    return oneShot(Files.readAllBytes(file), category); // small images: X's one-shot upload, one request
                // at most 1000 segments, as the protocol allows (for a stream of unknown length: the preferred size)
                long seg = size < 0 ? segmentSize : Math.max(segmentSize, (size + 999) / 1000);
                Map<Integer, String> present = new HashMap<>();
                if (resumeId == null) {
                    Map<String, Object> init = new LinkedHashMap<>();
                    init.put("media_type", type);
                    if (category != null) init.put("media_category", category);
                    if (size >= 0) init.put("total_bytes", size);
                    id = (String) data(call("POST", "/2/media/upload/initialize", "application/json", JSON_.asBytes(init))).get("id");
                } else {
                    id = resumeId;
                    for (Map<String, Object> s : segments(id)) present.put((int) Media.num(s.get("segment_index")),
                            (String) s.get("sha256"));
                }
                AtomicLong sent = new AtomicLong();
                pool = Executors.newFixedThreadPool(parallelism, MediaClient::daemon);
                // segments are read in order here and sent by the pool; at most `parallelism` of them are in memory
                Semaphore inFlight = new Semaphore(parallelism);
                try (InputStream in = stream != null ? stream : Files.newInputStream(file)) {
                    for (int index = 0; ; index++) {
                        inFlight.acquire();
                        if (cancelled) break;
                        byte[] bytes = in.readNBytes((int) seg);
                        if (bytes.length == 0 && index > 0) break;
                        int i = index;
                        work.add(pool.submit(() -> {
                            try {
                                if (cancelled) throw new CancellationException();
                                String sha = sha256(bytes);
                                if (!sha.equals(present.get(i))) appendSegment(id, i, bytes, sha);
                                listener.bytesSent(sent.addAndGet(bytes.length), size < 0 ? sent.get() : size);
                                return null;
                            } finally {
                                inFlight.release();
                            }
                        }));
                        if (bytes.length < seg) break;
                    }
                }
                try {
                    for (Future<?> f : work) f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new MediaException(0, null, "segment failed: " + e.getCause(), e.getCause());
                } finally {
                    pool.shutdownNow();
                }
                if (cancelled) throw new CancellationException("upload " + id + " cancelled");
                Map<String, Object> fin = data(call("POST", "/2/media/upload/" + id + "/finalize", null, null));
                return awaitProcessing(fin, listener);
            } catch (InterruptedException | CancellationException e) {
                throw new CancellationException("upload " + id + " cancelled");
            } catch (IOException e) {
                throw new MediaException(0, null, "cannot read " + (file != null ? file : "the stream") + ": " + e.getMessage(), e);
            }
        }

        private Media oneShot(byte[] bytes, String category) throws InterruptedException {
            String boundary = "mediaup-client-" + UUID.randomUUID();
            Map<String, Object> d = data(send("POST", "/2/media/upload", "multipart/form-data; boundary=" + boundary,
                    () -> multipart(boundary, "media_category", category, bytes)));
            id = (String) d.get("id");
            listener.bytesSent(bytes.length, bytes.length);
            return awaitProcessing(d, listener);
        }
    }

    private static Thread daemon(Runnable r) { // Java 17: no Thread.ofPlatform()
        Thread t = new Thread(r, "mediaup-client");
        t.setDaemon(true);
        return t;
    }

    private void appendSegment(String id, int index, byte[] bytes, String sha) {
        String boundary = "mediaup-client-" + UUID.randomUUID();
        send("POST", "/2/media/upload/" + id + "/append", "multipart/form-data; boundary=" + boundary,
                () -> multipart(boundary, "segment_index", Integer.toString(index), bytes), "x-checksum-sha256", sha);
    }

    /** A form field, then the media part, sent from the media's own array: no copy into a second, body-sized buffer. */
    private static HttpRequest.BodyPublisher multipart(String boundary, String field, String value, byte[] media) {
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"media\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofByteArray(media),
                HttpRequest.BodyPublishers.ofByteArray(tail));
    }

    private Media awaitProcessing(Map<String, Object> data, ProgressListener listener) throws InterruptedException {
        while (true) {
            @SuppressWarnings("unchecked") Map<String, Object> pi = (Map<String, Object>) data.get("processing_info");
            if (pi == null || !Set.of("pending", "in_progress").contains(pi.get("state"))) return Media.from(data);
            listener.processing((int) Media.num(pi.get("progress_percent")));
            Thread.sleep(Math.max(1, Media.num(pi.get("check_after_secs"))) * 1000);
            data = data(call("GET", "/2/media/upload?command=STATUS&media_id=" + data.get("id"), null, null));
        }
    }

    static String guessType(Path file) {
        if (file == null) throw new IllegalArgumentException("a stream needs its media type: set it with mediaType()");
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "bmp" -> "image/bmp";
            case "tif", "tiff" -> "image/tiff";
            case "mp4", "m4v" -> "video/mp4";
            case "mov" -> "video/quicktime";
            case "webm" -> "video/webm";
            case "ts" -> "video/mp2t";
            case "srt" -> "text/srt";
            case "vtt" -> "text/vtt";
            case "glb" -> "model/gltf-binary";
            case "usdz" -> "model/vnd.usdz+zip";
            default -> throw new IllegalArgumentException("cannot tell the media type of " + n + "; set it with mediaType()");
        };
    }

    // ---- the other endpoints ----

    public Media status(String id) {
        return Media.from(data(call("GET", "/2/media/upload?command=STATUS&media_id=" + id, null, null)));
    }

    /** The segments the server holds for an upload in progress (mediaup extension). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> segments(String id) {
        return (List<Map<String, Object>>) data(call("GET", "/2/media/upload/" + id + "/segments", null, null)).get("segments");
    }

    /** The Media object (X's fields, e.g. "url", "width", "alt_text", "variants"). */
    public Map<String, Object> lookup(String mediaKey, String... fields) {
        String q = fields.length == 0 ? "" : "?media.fields=" + String.join(",", fields);
        Map<String, Object> r = parse(call("GET", "/2/media/" + mediaKey + q, null, null));
        @SuppressWarnings("unchecked") Map<String, Object> data = (Map<String, Object>) r.get("data");
        if (data == null) throw new MediaException(404, firstError(r), "media " + mediaKey + " not found", null);
        return data;
    }

    public void setAltText(String id, String text) {
        call("POST", "/2/media/metadata", "application/json", JSON_.asBytes(Map.of("id", id, "metadata", Map.of("alt_text", Map.of("text",
                text)))));
    }

    public void attachSubtitles(String videoId, String mediaCategory, String subtitlesId, String languageCode, String displayName) {
        call("POST", "/2/media/subtitles", "application/json", JSON_.asBytes(Map.of("id", videoId, "media_category", mediaCategory,
                "subtitles", Map.of("id", subtitlesId, "language_code", languageCode, "display_name", displayName))));
    }

    public void detachSubtitles(String videoId, String mediaCategory, String languageCode) {
        call("DELETE", "/2/media/subtitles", "application/json", JSON_.asBytes(Map.of("id", videoId, "media_category", mediaCategory,
                "language_code", languageCode)));
    }

    /** mediaup extension: upload grants, for uploads straight from browsers and apps. */
    public Grants grants() {
        return new Grants();
    }

    /** Creating, reading, listing and revoking upload grants (needs a user token with media.write). */
    public final class Grants {
        private Grants() {}

        /** A new grant; its {@link Grant#token()} is what the browser or app presents as its bearer token. */
        public Grant create(Grant.Request request) {
            return Grant.from(data(call("POST", "/2/media/upload/grants", "application/json", JSON_.asBytes(request.body))));
        }

        public Grant get(String id) {
            return Grant.from(data(call("GET", "/2/media/upload/grants/" + id, null, null)));
        }

        @SuppressWarnings("unchecked")
        public List<Grant> list() {
            Object all = parse(call("GET", "/2/media/upload/grants", null, null)).get("data");
            return all instanceof List<?> l ? l.stream().map(g -> Grant.from((Map<String, Object>) g)).toList() : List.of();
        }

        /** Its token stops working at once; uploads it started stay. */
        public void revoke(String id) {
            call("DELETE", "/2/media/upload/grants/" + id, null, null);
        }
    }

    /** mediaup extension: deletes the media and its bytes. */
    public void delete(String mediaKey) {
        call("DELETE", "/2/media/" + mediaKey, null, null);
    }

    // ---- HTTP ----

    private static Map<String, Object> parse(byte[] body) {
        try {
            return body.length == 0 ? Map.of() : JSON_.mapFrom(body);
        } catch (RuntimeException e) { // Jackson 3 reports everything unchecked
            return Map.of("detail", new String(body, StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(byte[] body) {
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
    private static Map<String, Object> firstError(Map<String, Object> r) {
        Object e = r.get("errors");
        return e instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map ? (Map<String, Object>) l.get(0) : r;
    }

    private byte[] call(String method, String pathAndQuery, String contentType, byte[] body, String... headers) {
        return send(method, pathAndQuery, contentType, body == null ? null : () -> HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** One call, retried on network errors, 5xx and 429 with backoff (429: until the rate limit resets). */
    private byte[] send(String method, String pathAndQuery, String contentType, Supplier<HttpRequest.BodyPublisher> body,
                        String... headers) {
        MediaException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (Thread.currentThread().isInterrupted()) throw new CancellationException();
            long waitMs;
            try {
                var b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body.get())
                        .header("Authorization", authorization(method, base + pathAndQuery));
                if (contentType != null) b.header("Content-Type", contentType);
                for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() / 100 == 2) return r.body();
                Map<String, Object> problem = firstError(parse(r.body()));
                last = new MediaException(r.statusCode(), problem, method + " " + pathAndQuery + " → " + r.statusCode() + ": "
                        + (problem.get("detail") != null ? problem.get("detail") : problem.get("message") != null ? problem.get("message")
                                : "no detail"), null);
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
}
