package dev.mediaup.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus 1.0: the real tus-js-client (pinned in compat/) uploads a 50 MiB video, is killed mid-upload, and a
 * second run resumes where the server's acknowledged bytes end; and the protocol's rules, request by request —
 * discovery, creation (with upload), offsets, checksums, expiration, termination, grants — on both backends.
 */
class TusIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        ClientCompatIT.installCompat();
        server = new ServerProcess(dir.resolve("data"), "--keep-originals").start();
        api = new Api(server.baseUrl(), server.createToken("9100", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Res(int status, HttpResponse<byte[]> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }
    }

    static Res tus(String method, String path, String token, byte[] body, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Res(r.statusCode(), r);
    }

    static String meta(String type) {
        return "filename " + b64("clip.mp4") + ",filetype " + b64(type);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha(String algorithm, byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    /** Runs compat/tus.mjs; its exit code and output. */
    static ServerProcess.Ran node(Path file, String type, Path storage, String token, Long killAfter) throws Exception {
        return node(file, type, storage, token, killAfter, 1);
    }

    static ServerProcess.Ran node(Path file, String type, Path storage, String token, Long killAfter, int parallel) throws Exception {
        return tusJs(file, type, storage, killAfter, Duration.ofSeconds(180), Map.of("MEDIAUP_BASE_URL", server.baseUrl(), "MEDIAUP_TOKEN", token,
                "MEDIAUP_TUS_CHUNK", Integer.toString(8 << 20), "MEDIAUP_TUS_PARALLEL", Integer.toString(parallel)));
    }

    /** Runs compat/tus.mjs (tus-js-client) with {@code env} (MEDIAUP_BASE_URL, MEDIAUP_TOKEN, …), within {@code max}; its exit and output. */
    static ServerProcess.Ran tusJs(Path file, String type, Path storage, Long killAfter, Duration max, Map<String, String> env)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "tus.mjs", file.toString(), type, storage.toString()));
        if (killAfter != null) cmd.add(Long.toString(killAfter));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ClientCompatIT.COMPAT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(max.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new ServerProcess.Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void tusJsClientResumesA50MiBVideoAfterItWasKilledMidUpload() throws Exception {
        byte[] video = Fixtures.paddedMp4(50 << 20);
        Path file = Files.write(dir.resolve("big.mp4"), video), storage = dir.resolve("tus-urls.json");
        ServerProcess.Ran first = node(file, "video/mp4", storage, api.token, 20L << 20);
        assertThat(first.exit()).as("killed itself after 20 MiB: " + first.output()).isEqualTo(137);
        ServerProcess.Ran second = node(file, "video/mp4", storage, api.token, null);
        assertThat(second.exit()).as(second.output()).isZero();
        JsonNode r = Api.JSON.readTree(second.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(r.get("resumed").asBoolean()).as("the second run resumed the first one's upload").isTrue();
        assertThat(r.get("offsetAtStart").asLong()).as("the acknowledged chunks were kept").isGreaterThanOrEqualTo(16L << 20);
        String id = r.get("media_id").asString();
        JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(120));
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
        assertThat(done.get("size").asLong()).isEqualTo(video.length);
        assertThat(done.get("media_key").asString()).isEqualTo(r.get("media_key").asString());
        Api.Res original = api.get("/media/" + done.get("media_key").asString() + "/original");
        assertThat(original.status()).isEqualTo(200);
        assertThat(MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(original.body()),
                MessageDigest.getInstance("SHA-256").digest(video))).as("every byte as sent").isTrue();
    }

    @Test
    void tusJsClientUploadsInParallelPartsThatBecomeOneUpload() throws Exception {
        byte[] video = Fixtures.paddedMp4(24 << 20);
        Path file = Files.write(dir.resolve("parallel.mp4"), video);
        ServerProcess.Ran run = node(file, "video/mp4", dir.resolve("tus-parallel.json"), api.token, null, 3);
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode r = Api.JSON.readTree(run.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        JsonNode done = api.awaitProcessed(r.get("media_id").asString(), Duration.ofSeconds(120));
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
        assertThat(done.get("size").asLong()).isEqualTo(video.length);
        Api.Res original = api.get("/media/" + done.get("media_key").asString() + "/original");
        assertThat(MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(original.body()),
                MessageDigest.getInstance("SHA-256").digest(video))).as("the parts, in order, byte for byte").isTrue();
    }

    /** A counter's value on /metrics (summed over its labels); 0 when it has none yet. */
    static double counter(ServerProcess on, String name) {
        return on.counter(name, null);
    }

    /**
     * What a client that lost an answer, or a careless one, meets — on a server that keeps only what processing made
     * (a picture's original is dropped once its sizes exist): a complete upload still says where it ends, a spent
     * partial gives one answer, and requests that could never finish are refused before anything is stored. tus moves
     * the same counters as every other dialect.
     */
    @Test
    void completeUploadsStayCompleteAndHopelessRequestsAreRefusedUpFront() throws Exception {
        try (var plain = new ServerProcess(dir.resolve("plain")).start()) {
            String t = plain.createToken("9400", "media.write tweet.read");
            Api a = new Api(plain.baseUrl(), t);
            String base = plain.baseUrl();
            byte[] png = Api.png(120, 90);
            String len = Integer.toString(png.length);
            double initialized = counter(plain, "mediaup_uploads_initialized_total"), appended = counter(plain,
                    "mediaup_segments_appended_total"), finalized = counter(plain, "mediaup_uploads_finalized_total");
            Res whole = tus("POST", base + "/files", t, png, "Tus-Resumable", "1.0.0", "Upload-Length", len, "Upload-Metadata",
                    meta("image/png"), "Content-Type", "application/offset+octet-stream");
            assertThat(whole.status()).as(whole.text()).isEqualTo(201);
            assertThat(counter(plain, "mediaup_uploads_initialized_total")).isEqualTo(initialized + 1);
            assertThat(counter(plain, "mediaup_segments_appended_total")).isEqualTo(appended + 1);
            assertThat(counter(plain, "mediaup_uploads_finalized_total")).isEqualTo(finalized + 1);
            String url = whole.header("Location");
            // the original is gone (the picture's sizes are what is kept), yet the upload holds every byte it declared
            Res head = tus("HEAD", url, t, null, "Tus-Resumable", "1.0.0");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Upload-Offset")).isEqualTo(len);
            assertThat(head.header("Upload-Length")).isEqualTo(len);
            // the last 204 was lost: the client resumes at the end with nothing left to send, and is told it is done
            Res again = tus("PATCH", url, t, new byte[0], "Tus-Resumable", "1.0.0", "Upload-Offset", len, "Content-Type",
                    "application/offset+octet-stream");
            assertThat(again.status()).as(again.text()).isEqualTo(204);
            assertThat(again.header("Upload-Offset")).isEqualTo(len);
            assertThat(tus("PATCH", url, t, new byte[1], "Tus-Resumable", "1.0.0", "Upload-Offset", len, "Content-Type",
                    "application/offset+octet-stream").status()).as("more bytes than declared").isBetween(400, 499);

            // a concatenated final upload too; the same final again (its answer lost) is the same upload, in another order not
            int cut = png.length / 2;
            List<String> urls = new ArrayList<>();
            for (byte[] half : List.of(Arrays.copyOf(png, cut), Arrays.copyOfRange(png, cut, png.length)))
                urls.add(tus("POST", base + "/files", t, half, "Tus-Resumable", "1.0.0", "Upload-Concat", "partial", "Upload-Length",
                        Integer.toString(half.length), "Content-Type", "application/offset+octet-stream").header("Location"));
            String foreign = "final;http://other.example/files/" + urls.get(0).substring(urls.get(0).lastIndexOf('/') + 1) + " " + urls.get(1);
            Res elsewhere = tus("POST", base + "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", foreign, "Upload-Metadata",
                    meta("image/png"));
            assertThat(elsewhere.status()).as("another host's upload URL").isEqualTo(400);
            String relative = "final;" + URI.create(urls.get(0)).getPath() + " " + urls.get(1);
            Res fin = tus("POST", base + "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", relative, "Upload-Metadata",
                    meta("image/png"));
            assertThat(fin.status()).as(fin.text()).isEqualTo(201);
            Res finHead = tus("HEAD", fin.header("Location"), t, null, "Tus-Resumable", "1.0.0");
            assertThat(finHead.header("Upload-Offset")).isEqualTo(len);
            Res same = tus("POST", base + "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", relative, "Upload-Metadata",
                    meta("image/png"));
            assertThat(same.status()).isEqualTo(201);
            assertThat(same.header("Location")).isEqualTo(fin.header("Location"));
            Res swapped = tus("POST", base + "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat",
                    "final;" + urls.get(1) + " " + urls.get(0), "Upload-Metadata", meta("image/png"));
            assertThat(swapped.status()).as(swapped.text()).isEqualTo(409);
            // a spent partial: HEAD and PATCH give the one answer
            assertThat(tus("HEAD", urls.get(0), t, null, "Tus-Resumable", "1.0.0").status()).isEqualTo(410);
            Res spent = tus("PATCH", urls.get(0), t, new byte[1], "Tus-Resumable", "1.0.0", "Upload-Offset", Integer.toString(cut),
                    "Content-Type", "application/offset+octet-stream");
            assertThat(spent.status()).as(spent.text()).isEqualTo(410);

            // refused before anything is made: nothing to upload, and bytes that are not offset+octet-stream
            double before = counter(plain, "mediaup_uploads_initialized_total");
            assertThat(tus("POST", base + "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Length", "0", "Upload-Metadata",
                    meta("image/png")).status()).isEqualTo(400);
            Res typed = tus("POST", base + "/files", t, png, "Tus-Resumable", "1.0.0", "Upload-Length", len, "Upload-Metadata",
                    meta("image/png"), "Content-Type", "text/plain");
            assertThat(typed.status()).as(typed.text()).isEqualTo(415);
            assertThat(counter(plain, "mediaup_uploads_initialized_total")).as("nothing was created").isEqualTo(before);
            assertThat(a.get("/2/media/mine").json().get("data").size()).as("two pictures, nothing else").isEqualTo(2);
        }
    }

    @Test
    void concatenationRequestByRequest() throws Exception {
        String t = api.token;
        byte[] png = Api.png(300, 200);
        int cut = png.length / 2;
        List<byte[]> halves = List.of(Arrays.copyOf(png, cut), Arrays.copyOfRange(png, cut, png.length));
        List<String> urls = new ArrayList<>();
        for (byte[] half : halves) {
            Res p = tus("POST", "/files", t, half, "Tus-Resumable", "1.0.0", "Upload-Concat", "partial", "Upload-Length",
                    Integer.toString(half.length), "Content-Type", "application/offset+octet-stream");
            assertThat(p.status()).as(p.text()).isEqualTo(201);
            assertThat(p.header("Upload-Offset")).isEqualTo(Integer.toString(half.length));
            urls.add(p.header("Location"));
        }
        assertThat(tus("HEAD", urls.get(0), t, null, "Tus-Resumable", "1.0.0").header("Upload-Concat")).isEqualTo("partial");
        // a partial is never media by itself
        String partialId = urls.get(0).substring(urls.get(0).lastIndexOf('/') + 1);
        assertThat(api.finalizeUpload(partialId).status()).isEqualTo(400);
        // naming a partial twice, or someone else's, or an incomplete one: refused, nothing moves
        assertThat(tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "final;" + urls.get(0) + " " + urls.get(0),
                "Upload-Metadata", meta("image/png")).status()).isEqualTo(400);
        String other = new Api(server.baseUrl(), server.createToken("9300", "media.write")).token;
        assertThat(tus("POST", "/files", other, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "final;" + String.join(" ", urls),
                "Upload-Metadata", meta("image/png")).status()).isEqualTo(404);
        String open = tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "partial", "Upload-Length", "10")
                .header("Location");
        assertThat(tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "final;" + urls.get(0) + " " + open,
                "Upload-Metadata", meta("image/png")).status()).isEqualTo(400);
        assertThat(tus("HEAD", urls.get(0), t, null, "Tus-Resumable", "1.0.0").header("Upload-Offset")).isEqualTo(Integer.toString(cut));

        Res fin = tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "final;" + String.join(" ", urls),
                "Upload-Metadata", meta("image/png"));
        assertThat(fin.status()).as(fin.text()).isEqualTo(201);
        JsonNode status = api.status(fin.header("Mediaup-Media-Id")).data();
        assertThat(status.get("size").asLong()).isEqualTo(png.length);
        assertThat(status.get("image").get("w").asInt()).isEqualTo(300);
        // the partials are spent
        assertThat(tus("HEAD", urls.get(1), t, null, "Tus-Resumable", "1.0.0").status()).isEqualTo(410);
        // a grant does not concatenate (its count would not hold)
        String grant = api.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\"}").json().get("data").get("token")
                .asString();
        assertThat(tus("POST", "/files", grant, null, "Tus-Resumable", "1.0.0", "Upload-Concat", "partial", "Upload-Length", "10")
                .status()).isEqualTo(403);
    }

    @Test
    void theProtocolRequestByRequest() throws Exception {
        String t = api.token;
        Res options = tus("OPTIONS", "/files", null, null);
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Tus-Version")).isEqualTo("1.0.0");
        assertThat(options.header("Tus-Extension")).contains("creation", "creation-with-upload", "creation-defer-length", "expiration",
                "checksum", "termination");
        assertThat(Long.parseLong(options.header("Tus-Max-Size"))).isPositive();

        assertThat(tus("POST", "/files", t, null, "Upload-Length", "10", "Upload-Metadata", meta("image/png")).status())
                .as("no Tus-Resumable").isEqualTo(412);
        assertThat(tus("POST", "/files", null, null, "Tus-Resumable", "1.0.0", "Upload-Length", "10").status()).isEqualTo(401);
        assertThat(tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Length", "10").status()).as("no filetype").isEqualTo(400);
        assertThat(tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Length", "-1", "Upload-Metadata", meta("image/png"))
                .status()).isEqualTo(400);

        byte[] png = Api.png(200, 100);
        byte[] head = Arrays.copyOfRange(png, 0, 100), rest = Arrays.copyOfRange(png, 100, png.length);
        // creation-with-upload: the first 100 bytes with the POST
        Res created = tus("POST", "/files", t, head, "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(png.length),
                "Upload-Metadata", meta("image/png"), "Content-Type", "application/offset+octet-stream");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.header("Tus-Resumable")).isEqualTo("1.0.0");
        assertThat(created.header("Upload-Offset")).isEqualTo("100");
        assertThat(created.header("Upload-Expires")).endsWith("GMT");
        String url = created.header("Location"), id = created.header("Mediaup-Media-Id");
        assertThat(url).isEqualTo(server.baseUrl() + "/files/" + id);

        Res h = tus("HEAD", url, t, null, "Tus-Resumable", "1.0.0");
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.header("Upload-Offset")).isEqualTo("100");
        assertThat(h.header("Upload-Length")).isEqualTo(Integer.toString(png.length));
        assertThat(h.header("Cache-Control")).isEqualTo("no-store");
        // someone else's upload is not found
        String other = new Api(server.baseUrl(), server.createToken("9200", "media.write")).token;
        assertThat(tus("HEAD", url, other, null, "Tus-Resumable", "1.0.0").status()).isEqualTo(404);

        // a wrong offset, a wrong content type, a wrong checksum: refused, nothing stored
        assertThat(tus("PATCH", url, t, rest, "Tus-Resumable", "1.0.0", "Upload-Offset", "99", "Content-Type",
                "application/offset+octet-stream").status()).isEqualTo(409);
        assertThat(tus("PATCH", url, t, rest, "Tus-Resumable", "1.0.0", "Upload-Offset", "100", "Content-Type",
                "application/octet-stream").status()).isEqualTo(415);
        Res bad = tus("PATCH", url, t, rest, "Tus-Resumable", "1.0.0", "Upload-Offset", "100", "Content-Type",
                "application/offset+octet-stream", "Upload-Checksum", "sha1 " + sha("SHA-1", head));
        assertThat(bad.status()).as(bad.text()).isEqualTo(460);
        assertThat(bad.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(tus("PATCH", url, t, rest, "Tus-Resumable", "1.0.0", "Upload-Offset", "100", "Content-Type",
                "application/offset+octet-stream", "Upload-Checksum", "crc32 AAAA").status()).isEqualTo(400);
        assertThat(tus("HEAD", url, t, null, "Tus-Resumable", "1.0.0").header("Upload-Offset")).isEqualTo("100");

        // the last bytes, with the right checksum: the upload is X media now
        Res last = tus("PATCH", url, t, rest, "Tus-Resumable", "1.0.0", "Upload-Offset", "100", "Content-Type",
                "application/offset+octet-stream", "Upload-Checksum", "sha256 " + sha("SHA-256", rest));
        assertThat(last.status()).as(last.text()).isEqualTo(204);
        assertThat(last.header("Upload-Offset")).isEqualTo(Integer.toString(png.length));
        JsonNode status = api.status(id).data();
        assertThat(status.get("media_key").asString()).isEqualTo("3_" + id).isEqualTo(last.header("Mediaup-Media-Key"));
        assertThat(status.get("size").asLong()).isEqualTo(png.length);
        assertThat(tus("PATCH", url, t, new byte[1], "Tus-Resumable", "1.0.0", "Upload-Offset", Integer.toString(png.length),
                "Content-Type", "application/offset+octet-stream").status()).as("nothing after the end").isBetween(400, 499);

        // termination
        Res made = tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Length", "1000", "Upload-Metadata", meta("video/mp4"));
        String doomed = made.header("Location");
        assertThat(tus("DELETE", doomed, other, null, "Tus-Resumable", "1.0.0").status()).isEqualTo(404);
        assertThat(tus("DELETE", doomed, t, null, "Tus-Resumable", "1.0.0").status()).isEqualTo(204);
        assertThat(tus("HEAD", doomed, t, null, "Tus-Resumable", "1.0.0").status()).isIn(404, 410);
    }

    /** creation-defer-length: the length comes with a later PATCH, once, never below what the upload holds. */
    @Test
    void aDeferredLengthComesWithALaterPatch() throws Exception {
        byte[] png = Api.png(320, 240);
        String tok = api.token;
        Res made = tus("POST", "/files", tok, null, "Tus-Resumable", "1.0.0", "Upload-Defer-Length", "1", "Upload-Metadata",
                "filetype " + b64("image/png"));
        assertThat(made.status()).as(made.text()).isEqualTo(201);
        String url = made.header("Location");
        Res head = tus("HEAD", url, tok, null, "Tus-Resumable", "1.0.0");
        assertThat(head.header("Upload-Defer-Length")).isEqualTo("1");
        assertThat(head.header("Upload-Length")).isNull();
        Res first = tus("PATCH", url, tok, Arrays.copyOf(png, 100), "Tus-Resumable", "1.0.0", "Upload-Offset", "0", "Content-Type",
                "application/offset+octet-stream");
        assertThat(first.status()).isEqualTo(204);
        Res below = tus("PATCH", url, tok, new byte[0], "Tus-Resumable", "1.0.0", "Upload-Offset", "100", "Upload-Length", "50",
                "Content-Type", "application/offset+octet-stream");
        assertThat(below.status()).as("a length below what the upload holds").isEqualTo(400);
        Res rest = tus("PATCH", url, tok, Arrays.copyOfRange(png, 100, png.length), "Tus-Resumable", "1.0.0", "Upload-Offset", "100",
                "Upload-Length", Integer.toString(png.length), "Content-Type", "application/offset+octet-stream");
        assertThat(rest.status()).as(rest.text()).isEqualTo(204);
        JsonNode done = api.awaitProcessed(rest.header("Mediaup-Media-Id"), Duration.ofSeconds(60));
        assertThat(done.get("size").asLong()).isEqualTo(png.length);
        assertThat(tus("POST", "/files", tok, null, "Tus-Resumable", "1.0.0", "Upload-Defer-Length", "2", "Upload-Metadata",
                "filetype " + b64("image/png")).status()).isEqualTo(400);
    }

    /** A PATCH whose connection drops mid-body keeps the bytes that arrived: HEAD resumes after them. */
    @Test
    void aPatchCutOffMidBodyKeepsWhatArrived() throws Exception {
        byte[] video = Fixtures.mp4(2, 320, 240);
        String tok = api.token;
        String url = tus("POST", "/files", tok, null, "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(video.length),
                "Upload-Metadata", meta("video/mp4")).header("Location");
        String path = URI.create(url).getRawPath();
        int half = video.length / 2;
        // half the body, a pause (the server reads it), then a reset
        try (Socket s = new Socket(URI.create(server.baseUrl()).getHost(), URI.create(server.baseUrl()).getPort())) {
            var out = s.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok + "\r\nTus-Resumable: 1.0.0\r\n"
                    + "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: " + video.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(video, 0, half);
            out.flush();
            Thread.sleep(500);
            s.setSoLinger(true, 0);
        }
        long offset = -1;
        for (int i = 0; i < 100; i++) { // until the server has stored what came and says so twice alike
            long now = Long.parseLong(tus("HEAD", url, tok, null, "Tus-Resumable", "1.0.0").header("Upload-Offset"));
            if (now == offset && now > 0) break;
            offset = now;
            Thread.sleep(200);
        }
        assertThat(offset).as("what arrived before the reset, kept").isBetween(1L, (long) half);
        Res rest = tus("PATCH", url, tok, Arrays.copyOfRange(video, (int) offset, video.length), "Tus-Resumable", "1.0.0",
                "Upload-Offset", Long.toString(offset), "Content-Type", "application/offset+octet-stream");
        assertThat(rest.status()).as(rest.text()).isEqualTo(204);
        JsonNode done = api.awaitProcessed(rest.header("Mediaup-Media-Id"), Duration.ofSeconds(120));
        assertThat(done.get("size").asLong()).isEqualTo(video.length);
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
    }

    @Test
    void twoPatchesAtOneOffsetCannotBothLand() throws Exception {
        String t = api.token;
        byte[] mp4 = Fixtures.paddedMp4(4 << 20);
        String url = tus("POST", "/files", t, null, "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(mp4.length),
                "Upload-Metadata", meta("video/mp4")).header("Location");
        byte[] half = Arrays.copyOf(mp4, 2 << 20);
        List<CompletableFuture<Integer>> racing = new ArrayList<>();
        for (int i = 0; i < 4; i++)
            racing.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return tus("PATCH", url, t, half, "Tus-Resumable", "1.0.0", "Upload-Offset", "0", "Content-Type",
                            "application/offset+octet-stream").status();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        List<Integer> statuses = racing.stream().map(CompletableFuture::join).toList();
        assertThat(statuses.stream().filter(s -> s == 204).count()).as(statuses.toString()).isEqualTo(1);
        assertThat(statuses.stream().filter(s -> s == 409).count()).as(statuses.toString()).isEqualTo(3);
        assertThat(tus("HEAD", url, t, null, "Tus-Resumable", "1.0.0").header("Upload-Offset")).isEqualTo(Integer.toString(2 << 20));
    }

    @Test
    void aGrantUploadsThroughTusWithinItsCaps() throws Exception {
        JsonNode g = api.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\",\"max_bytes\":2000,\"uploads\":1}")
                .json().get("data");
        String grant = g.get("token").asString();
        assertThat(tus("POST", "/files", grant, null, "Tus-Resumable", "1.0.0", "Upload-Length", "2001", "Upload-Metadata",
                meta("image/png")).status()).isEqualTo(400);
        byte[] png = Api.png(20, 20);
        Res created = tus("POST", "/files", grant, png, "Tus-Resumable", "1.0.0", "Upload-Length", Integer.toString(png.length),
                "Upload-Metadata", meta("image/png"), "Content-Type", "application/offset+octet-stream");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.header("Upload-Offset")).isEqualTo(Integer.toString(png.length));
        assertThat(tus("POST", "/files", grant, null, "Tus-Resumable", "1.0.0", "Upload-Length", "10", "Upload-Metadata",
                meta("image/png")).status()).as("the grant's one upload is used").isEqualTo(403);
        JsonNode read = api.get("/2/media/upload/grants/" + g.get("id").asString()).data();
        assertThat(read.get("uploads").get(0).get("id").asString()).isEqualTo(created.header("Mediaup-Media-Id"));
        assertThat(read.get("uploads").get(0).get("state").asString()).isEqualTo("succeeded");
    }
}
