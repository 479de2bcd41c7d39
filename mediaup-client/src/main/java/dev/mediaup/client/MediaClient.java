package dev.mediaup.client;

import tools.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static dev.mediaup.client.Transport.data;
import static dev.mediaup.client.Transport.firstError;
import static dev.mediaup.client.Transport.multipart;
import static dev.mediaup.client.Transport.parse;
import static dev.mediaup.client.Transport.sha256;

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

    private final Transport transport;
    private final ResumableHttp resumable;
    private final int parallelism;
    private final long segmentSize;
    private final Protocol protocol;

    private MediaClient(Builder b) {
        this.transport = new Transport(b.baseUrl.replaceAll("/+$", ""), b.bearer, b.oauth1, b.timeout, b.maxRetries);
        this.resumable = new ResumableHttp(transport, b.maxRetries);
        this.parallelism = b.parallelism;
        this.segmentSize = b.segmentSize;
        this.protocol = b.protocol;
    }

    /**
     * How files are sent: {@code AUTO} takes resumable HTTP where the server offers it (asked with OPTIONS) and X's
     * segments elsewhere (api.x.com); {@code SEGMENTS} always X's INIT/APPEND/FINALIZE, in parallel; {@code RESUMABLE}
     * always resumable HTTP (the IETF draft, mediaup): one stream, resumed from the byte where a dropped one ended.
     */
    public enum Protocol { AUTO, SEGMENTS, RESUMABLE }

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
        private Protocol protocol = Protocol.AUTO;

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

        /** How files are sent (default AUTO: resumable HTTP where offered, else X's segments). */
        public Builder protocol(Protocol p) { this.protocol = p; return this; }

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
                String type = mediaType != null ? mediaType : Media.guessType(file);
                if (resumeId == null && stream == null && size <= ONE_SHOT_MAX && category != null && category.endsWith("_image")
                        && protocol != Protocol.RESUMABLE)
                    return oneShot(Files.readAllBytes(file), category); // small images: X's one-shot upload, one request
                if (stream == null && (protocol == Protocol.RESUMABLE
                        || (protocol == Protocol.AUTO && resumeId == null && resumable.offered(category))))
                    return resumably(type, size);
                // at most 1000 segments, as the protocol allows (for a stream of unknown length: the preferred size)
                long seg = size < 0 ? segmentSize : Math.max(segmentSize, (size + 999) / 1000);
                sendSegments(seg, size, begin(type, size));
                if (cancelled) throw new CancellationException("upload " + id + " cancelled");
                Map<String, Object> fin = data(call("POST", "/2/media/upload/" + id + "/finalize", null, null));
                return awaitProcessing(fin, listener);
            } catch (InterruptedException | CancellationException e) {
                throw new CancellationException("upload " + id + " cancelled");
            } catch (IOException e) {
                throw new MediaException(0, null, "cannot read " + (file != null ? file : "the stream") + ": " + e.getMessage(), e);
            }
        }

        /** The file as one resumable stream: a new upload resource, or the one being resumed, from where it stands. */
        private Media resumably(String type, long size) throws InterruptedException {
            String resource = resumeId != null ? "/2/media/upload/resumable/" + resumeId : resumable.create(type, category, size);
            long offset = resumeId != null ? resumable.offset(resource) : 0;
            if (offset < 0) throw new MediaException(404, null, "no upload " + resumeId + " to resume here", null);
            id = resource.substring(resource.lastIndexOf('/') + 1);
            pool = Executors.newSingleThreadExecutor(MediaClient::daemon); // on a thread of its own, so cancel() stops it
            Future<Map<String, Object>> sent = pool.submit(() -> resumable.send(resource, file, size, offset, listener, () -> cancelled));
            work.add(sent);
            try {
                return awaitProcessing(sent.get(), listener);
            } catch (ExecutionException e) {
                throw failed("upload", e);
            } finally {
                pool.shutdownNow();
            }
        }

        /** INIT, or for a resumed upload the segments the server already holds (index to SHA-256). */
        private Map<Integer, String> begin(String type, long size) {
            Map<Integer, String> present = new HashMap<>();
            if (resumeId == null) {
                Map<String, Object> init = new LinkedHashMap<>();
                init.put("media_type", type);
                if (category != null) init.put("media_category", category);
                if (size >= 0) init.put("total_bytes", size);
                id = (String) data(call("POST", "/2/media/upload/initialize", "application/json", JSON_.asBytes(init))).get("id");
            } else {
                id = resumeId;
                for (Map<String, Object> s : segments(id)) present.put((int) Media.num(s.get("segment_index")), (String) s.get("sha256"));
            }
            return present;
        }

        /** Reads segments in order and sends them from a pool, skipping those the server holds with the same bytes. */
        private void sendSegments(long seg, long size, Map<Integer, String> present) throws IOException, InterruptedException {
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
                throw failed("segment", e);
            } finally {
                pool.shutdownNow();
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

    /** What a failed piece of work threw: a MediaException (or other unchecked) as it was, anything else wrapped. */
    private static RuntimeException failed(String what, ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) return r;
        return new MediaException(0, null, what + " failed: " + e.getCause(), e.getCause());
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

    private Media awaitProcessing(Map<String, Object> data, ProgressListener listener) throws InterruptedException {
        while (true) {
            @SuppressWarnings("unchecked") Map<String, Object> pi = (Map<String, Object>) data.get("processing_info");
            if (pi == null || !Set.of("pending", "in_progress").contains(pi.get("state"))) return Media.from(data);
            listener.processing((int) Media.num(pi.get("progress_percent")));
            Thread.sleep(Math.max(1, Media.num(pi.get("check_after_secs"))) * 1000);
            data = data(call("GET", "/2/media/upload?command=STATUS&media_id=" + data.get("id"), null, null));
        }
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
        return new Grants(transport);
    }

    /** mediaup extension: deletes the media and its bytes. */
    public void delete(String mediaKey) {
        call("DELETE", "/2/media/" + mediaKey, null, null);
    }

    private byte[] call(String method, String pathAndQuery, String contentType, byte[] body, String... headers) {
        return transport.call(method, pathAndQuery, contentType, body, headers);
    }

    private byte[] send(String method, String pathAndQuery, String contentType, Supplier<HttpRequest.BodyPublisher> body,
                        String... headers) {
        return transport.send(method, pathAndQuery, contentType, body, headers);
    }
}
