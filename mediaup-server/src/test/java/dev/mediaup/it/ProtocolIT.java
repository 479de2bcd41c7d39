package dev.mediaup.it;

import dev.mediaup.it.Api.Multipart;
import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.mediaup.it.Api.assertMatchesSchema;
import static org.assertj.core.api.Assertions.assertThat;

/** The v2 protocol end to end over real HTTP against a real server process on a real data dir. */
class ProtocolIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api, other, readOnly, anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data"), "--category-limits", "dm_gif=100000").start();
        api = new Api(server.baseUrl(), server.createToken("1001", "media.write tweet.read"));
        other = api.as(server.createToken("2002", "media.write tweet.read"));
        readOnly = api.as(server.createToken("3003", "tweet.read"));
        anonymous = api.as(null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void seedExampleInitializesAsItStands() throws Exception {
        String seed = """
                {
                  "additional_owners": [
                    "2244994945"
                  ],
                  "media_category": "tweet_video",
                  "media_type": "video/mp4",
                  "shared": true,
                  "total_bytes": 8589934592
                }""";
        Res r = api.postJson("/2/media/upload/initialize", seed);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertMatchesSchema(r.json(), "InitializeMediaUploadResponse");
        JsonNode d = r.data();
        assertThat(d.get("id").isString()).isTrue();
        assertThat(d.get("id").asString()).matches("[0-9]{19}");
        assertThat(d.get("media_key").asString()).isEqualTo("7_" + d.get("id").asString());
        assertThat(d.get("expires_after_secs").asLong()).isEqualTo(86400);
    }

    @Test
    void imageChunkedMultipartFinalizesSynchronouslyWithDimensions() {
        byte[] png = Api.png(640, 480);
        String id = api.initialize("image/png", "tweet_image", png.length);
        int half = png.length / 2;
        Res a1 = api.append(id, 0, Arrays.copyOfRange(png, 0, half));
        assertMatchesSchema(a1.json(), "AppendMediaUploadResponse");
        long expiresAt = a1.data().get("expires_at").asLong();
        assertThat(expiresAt).isBetween(System.currentTimeMillis() / 1000 + 86000, System.currentTimeMillis() / 1000 + 86401);
        // media part first, with a filename: the xurl/curl style
        Res a2 = api.postMultipart("/2/media/upload/" + id + "/append",
                new Multipart().file("media", "part.bin", Arrays.copyOfRange(png, half, png.length)).field("segment_index", "1"));
        assertThat(a2.status()).isEqualTo(200);

        Res f = api.finalizeUpload(id);
        assertMatchesSchema(f.json(), "FinalizeMediaUploadResponse");
        JsonNode d = f.data();
        assertThat(d.get("id").asString()).isEqualTo(id);
        assertThat(d.get("media_key").asString()).isEqualTo("3_" + id);
        assertThat(d.get("size").asLong()).isEqualTo(png.length);
        assertThat(d.has("processing_info")).isFalse();
        assertThat(d.get("image").get("w").asInt()).isEqualTo(640);
        assertThat(d.get("image").get("h").asInt()).isEqualTo(480);
        assertThat(d.get("image").get("image_type").asString()).isEqualTo("image/png");

        // STATUS with and without command, with a JSON content type on the GET
        Res s = api.send("GET", "/2/media/upload?media_id=" + id, "application/json", null);
        assertMatchesSchema(s.json(), "GetMediaUploadStatusResponse");
        assertThat(s.data().get("image").get("w").asInt()).isEqualTo(640);
        assertThat(api.status(id).data().get("size").asLong()).isEqualTo(png.length);
        // a retried FINALIZE answers like the first
        assertThat(api.finalizeUpload(id).data().get("image").get("h").asInt()).isEqualTo(480);
    }

    @Test
    void jsonBase64AppendAndEmptyJsonFinalizeLikeXdk() {
        byte[] png = Api.png(33, 17);
        String id = api.initialize("image/png", null, png.length);
        Res a = api.postJson("/2/media/upload/" + id + "/append",
                "{\"media\":\"" + Base64.getEncoder().encodeToString(png) + "\",\"segment_index\":0}");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        Res f = api.send("POST", "/2/media/upload/" + id + "/finalize", "application/json", new byte[0]);
        assertThat(f.data().get("image").get("w").asInt()).isEqualTo(33);
        // segment_index before media works too
        String id2 = api.initialize("image/png", null, png.length);
        assertThat(api.postJson("/2/media/upload/" + id2 + "/append",
                "{\"segment_index\":0,\"media\":\"" + Base64.getEncoder().encodeToString(png) + "\"}").status()).isEqualTo(200);
        assertThat(api.send("POST", "/2/media/upload/" + id2 + "/finalize", "application/json", "{}".getBytes()).data().get("size").asLong())
                .isEqualTo(png.length);
    }

    @Test
    void oneShotMultipartAndJson() {
        byte[] png = Api.png(20, 10);
        Res m = api.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image").file("media", "a.png", png));
        assertMatchesSchema(m.json(), "MediaUploadResponse");
        assertThat(m.data().get("image").get("w").asInt()).isEqualTo(20);
        assertThat(m.data().get("media_key").asString()).startsWith("3_");

        Res j = api.postJson("/2/media/upload", "{\"media\":\"" + Base64.getEncoder().encodeToString(png)
                + "\",\"media_category\":\"tweet_image\",\"additional_owners\":\"2002,3003\"}");
        assertThat(j.status()).as(j.toString()).isEqualTo(200);
        String id = j.data().get("id").asString();
        // an additional owner may read it
        assertThat(other.status(id).data().get("size").asLong()).isEqualTo(png.length);

        // nobody declares a type in a one-shot upload: a file the category does not take is named for what it is
        Res text = api.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image")
                .file("media", "notes.txt", "just some words\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(text.status()).as(text.toString()).isEqualTo(400);
        assertThat(text.json().get("detail").asString()).contains("text/plain").contains("image/png").doesNotContain("declared");
    }

    @Test
    void commandFormThroughQueryFormAndMultipartFields() {
        byte[] png = Api.png(12, 34);
        Res init = api.send("POST", "/2/media/upload?command=INIT&media_type=image/png&total_bytes=" + png.length + "&media_category=tweet_image", null, null);
        assertMatchesSchema(init.json(), "InitializeMediaUploadResponse");
        String id = init.data().get("id").asString();
        Res app = api.postMultipart("/2/media/upload", new Multipart().field("command", "APPEND").field("media_id", id)
                .field("segment_index", "0").file("media", "x.png", png));
        assertThat(app.status()).as(app.toString()).isEqualTo(200);
        assertThat(app.data().get("expires_at").asLong()).isPositive();
        Res fin = api.postForm("/2/media/upload", "command=FINALIZE&media_id=" + id);
        assertThat(fin.data().get("image").get("h").asInt()).isEqualTo(34);

        // INIT as urlencoded fields, APPEND with media_id in the query, FINALIZE as multipart fields
        Res init2 = api.postForm("/2/media/upload", "command=INIT&media_type=image%2Fpng&total_bytes=" + png.length + "&additional_owners=2002");
        String id2 = init2.data().get("id").asString();
        assertThat(api.postMultipart("/2/media/upload?command=APPEND&media_id=" + id2 + "&segment_index=0",
                new Multipart().file("media", null, png)).status()).isEqualTo(200);
        Res fin2 = api.postMultipart("/2/media/upload", new Multipart().field("command", "FINALIZE").field("media_id", id2));
        assertThat(fin2.data().get("size").asLong()).isEqualTo(png.length);
        assertThat(other.status(id2).status()).isEqualTo(200);
    }

    @Test
    void segmentsInAnyOrderInParallelAndResentIndexReplaces() throws Exception {
        byte[] media = Fixtures.paddedMp4(10 * 300_000);
        String id = api.initialize("video/mp4", "tweet_video", media.length);
        // first send a wrong segment 3, then replace it; listed in between, its digest is worked out from the stored
        // bytes and kept — and must not outlive the re-send
        assertThat(api.append(id, 3, new byte[300_000]).status()).isEqualTo(200);
        JsonNode wrong = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
        assertThat(wrong).hasSize(1);
        assertThat(wrong.get(0).get("sha256").asString()).isEqualTo(sha256(new byte[300_000]));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Res>> fs = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            int idx = i;
            fs.add(pool.submit(() -> api.append(id, idx, Arrays.copyOfRange(media, idx * 300_000, (idx + 1) * 300_000))));
        }
        for (Future<Res> f : fs) assertThat(f.get().status()).isEqualTo(200);
        pool.shutdown();

        for (int listing = 0; listing < 2; listing++) { // the second finds the digests the first worked out
            JsonNode segs = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
            assertThat(segs).hasSize(10);
            for (JsonNode s : segs) {
                int i = s.get("segment_index").asInt();
                assertThat(s.get("sha256").asString()).isEqualTo(sha256(Arrays.copyOfRange(media, i * 300_000, (i + 1) * 300_000)));
            }
        }
        // the blobs hold exactly the media: the concatenation of the segment files, in index order, is the original
        assertThat(storedBytes(id)).isEqualTo(media.length);
        JsonNode fin = api.finalizeUpload(id).data();
        assertThat(fin.get("processing_info").get("state").asString()).isIn("pending", "in_progress");
        assertThat(fin.get("processing_info").get("check_after_secs").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(30));
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
        assertThat(done.get("video").get("video_type").asString()).isEqualTo("video/mp4");
        assertMatchesSchema(api.status(id).json(), "GetMediaUploadStatusResponse");
        // once processed, only the renditions remain: the uploaded segments are gone (originals are not kept by default).
        // Success is recorded first and the segment blobs are deleted right after (rows, then blobs: crash-safe), so a
        // STATUS can see "succeeded" a moment before the last blob is gone: wait for that moment, not longer.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (storedBytes(id) != 0 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(storedBytes(id)).isZero();
        assertThat(api.get("/2/media/upload/" + id + "/segments").data().get("segments")).isEmpty();
    }

    @Test
    void gifAndAmplifyVideoCarryTheirOwnKeysAndWindows() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED), "gif", out);
        byte[] gif = out.toByteArray();
        String id = api.initialize("image/gif", "tweet_gif", gif.length);
        api.append(id, 0, gif);
        JsonNode fin = api.finalizeUpload(id).data();
        assertThat(fin.get("media_key").asString()).isEqualTo("16_" + id);
        assertThat(fin.get("processing_info").get("check_after_secs").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(30));
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
        assertThat(done.get("image").get("w").asInt()).isEqualTo(40);

        Res amp = api.postJson("/2/media/upload/initialize", "{\"media_type\":\"video/mp4\",\"media_category\":\"amplify_video\",\"total_bytes\":1000}");
        assertThat(amp.data().get("media_key").asString()).startsWith("13_");
        assertThat(amp.data().get("expires_after_secs").asLong()).isEqualTo(1_295_999);
    }

    @Test
    void bytesBeyondTotalAreRefusedAtAppendAndGapsAtFinalize() {
        String id = api.initialize("image/png", "tweet_image", 1000);
        assertThat(api.append(id, 0, new byte[600]).status()).isEqualTo(200);
        Res over = api.append(id, 1, new byte[401]);
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.code()).isEqualTo("segment_over_total");
        assertThat(over.json().get("detail").asString()).contains("1001");
        assertThat(api.append(id, 2, new byte[400]).status()).isEqualTo(200);
        Res gap = api.finalizeUpload(id);
        assertThat(gap.status()).isEqualTo(400);
        assertThat(gap.code()).isEqualTo("missing_segments");
        assertThat(gap.json().get("parameter").asString()).isEqualTo("segment_index");
        assertThat(gap.json().get("value").asString()).isEqualTo("[1]");

        String id2 = api.initialize("image/png", "tweet_image", 1000);
        api.append(id2, 0, new byte[10]);
        Res sum = api.finalizeUpload(id2);
        assertThat(sum.status()).isEqualTo(400);
        assertThat(sum.code()).isEqualTo("size_mismatch");
        assertThat(sum.json().get("detail").asString()).contains("10 bytes").contains("1000");
    }

    @Test
    void categoryLimitsAtInitializeAndDuringAppend() {
        Res big = api.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"media_category\":\"tweet_image\",\"total_bytes\":5242881}");
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.json().get("parameter").asString()).isEqualTo("total_bytes");
        // no total_bytes declared: the category limit (configured to 100000 for dm_gif here) applies while appending
        Res init = api.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/gif\",\"media_category\":\"dm_gif\"}");
        String id = init.data().get("id").asString();
        assertThat(api.append(id, 0, new byte[60_000]).status()).isEqualTo(200);
        assertThat(api.append(id, 1, new byte[60_000]).status()).isEqualTo(413);
        assertThat(api.get("/2/media/upload/" + id + "/segments").data().get("segments")).hasSize(1);
    }

    @Test
    void aLieIsRefusedAtFinalize() {
        byte[] text = "this is not a png at all\n".repeat(10).getBytes(StandardCharsets.UTF_8);
        String id = api.initialize("image/png", "tweet_image", text.length);
        api.append(id, 0, text);
        Res f = api.finalizeUpload(id);
        assertThat(f.status()).isEqualTo(200);
        JsonNode pi = f.data().get("processing_info");
        assertThat(pi.get("state").asString()).isEqualTo("failed");
        assertThat(pi.has("error")).as("X's processing_info has no room for it").isFalse();
        JsonNode why = f.json().get("errors").get(0); // the failure, where X's document puts errors that come with data
        assertThat(why.get("title").asString()).isEqualTo("InvalidMedia");
        assertThat(why.get("type").asString()).isEqualTo("https://api.x.com/2/problems/invalid-request");
        assertThat(why.get("detail").asString()).contains("text/plain");
        assertThat(api.status(id).json().get("errors").get(0).get("detail").asString()).contains("text/plain");
        assertThat(api.status(id).data().get("processing_info").get("state").asString()).isEqualTo("failed");
    }

    @Test
    void checksumHeadersAreVerifiedBeforeAcknowledging() throws Exception {
        byte[] seg = new byte[5000];
        new Random(1).nextBytes(seg);
        String id = api.initialize("video/mp4", "tweet_video", 10_000);
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(seg));
        Multipart mp = new Multipart().field("segment_index", "0").file("media", null, seg);
        assertThat(api.postMultipart("/2/media/upload/" + id + "/append", mp, "Content-MD5", md5).status()).isEqualTo(200);
        Res bad = api.postMultipart("/2/media/upload/" + id + "/append", new Multipart().field("segment_index", "1").file("media", null, seg),
                "x-checksum-sha256", sha256(new byte[1]));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("parameter").asString()).isEqualTo("x-checksum-sha256");
        assertThat(api.postMultipart("/2/media/upload/" + id + "/append", new Multipart().field("segment_index", "1").file("media", null, seg),
                "x-checksum-sha256", sha256(seg)).status()).isEqualTo(200);
        assertThat(api.get("/2/media/upload/" + id + "/segments").data().get("segments")).hasSize(2);
    }

    @Test
    void accessIsByTokenScopeAndOwner() {
        String id = api.initialize("image/png", null, 100);
        Res none = anonymous.status(id);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("title").asString()).isEqualTo("Unauthorized");
        assertThat(api.as("mu_not-a-real-token").status(id).status()).isEqualTo(401);
        Res scope = readOnly.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}");
        assertThat(scope.status()).isEqualTo(403);
        assertThat(scope.code()).isEqualTo("missing_scope");
        assertThat(scope.json().get("detail").asString()).contains("media.write");
        // someone else's upload: 404, the same as an id that does not exist
        Res theirs = other.append(id, 0, new byte[10]);
        Res missing = other.append("1234567890123456789", 0, new byte[10]);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(theirs.json().get("type").asString()).isEqualTo(missing.json().get("type").asString());
        assertThat(other.status(id).status()).isEqualTo(404);
        assertThat(other.finalizeUpload(id).status()).isEqualTo(404);
        assertThat(other.get("/2/media/upload/" + id + "/segments").status()).isEqualTo(404);
        assertMatchesSchema(theirs.json(), "Problem");
    }

    @Test
    void operationalEndpoints() {
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
        api.initialize("image/png", null, 10);
        Res metrics = anonymous.get("/metrics");
        assertThat(metrics.text()).contains("mediaup_uploads_initialized_total").contains("jvm_memory_used_bytes");
        // timings per route template (never "*", never a raw path with an id in it)
        byte[] png = Api.png(8, 8);
        String id = api.initialize("image/png", "tweet_image", png.length);
        api.append(id, 0, png);
        api.finalizeUpload(id);
        String timed = anonymous.get("/metrics").text();
        assertThat(timed).contains("route=\"/2/media/upload/initialize\"").contains("route=\"/2/media/upload/{id}/append\"")
                .contains("route=\"/2/media/upload/{id}/finalize\"").doesNotContain("route=\"*\"").doesNotContain(id);
        JsonNode served = anonymous.get("/2/openapi.json").json();
        JsonNode spec = Api.spec();
        // a superset: every path and schema of X's document, unchanged where we add nothing
        spec.get("paths").propertyNames().forEach(p -> assertThat(served.get("paths").has(p)).as(p).isTrue());
        spec.get("components").get("schemas").propertyNames().forEach(s -> assertThat(served.get("components").get("schemas").has(s)).as(s).isTrue());
        assertThat(served.get("paths").get("/2/media/upload/{id}/segments").get("get").get("x-mediaup-extension").asBoolean()).isTrue();
        Res unknown = api.get("/2/nothing/here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).contains("json");
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static long storedBytes(String id) throws Exception {
        return Backend.blobs(server, "uploads/" + id).entrySet().stream().filter(e -> !e.getKey().contains("/v/"))
                .mapToLong(java.util.Map.Entry::getValue).sum();
    }

    /** FINALIZE is idempotent under concurrency too: ten at once all answer 200 with the same media. */
    @Test
    void concurrentFinalizesAllAnswerWithTheFinalizedMediaEvenWhenOneReadsTheUploadBeforeTheOtherDropsItsSegments()
            throws Exception {
        // made certain, not left to luck: the first FINALIZE stalls after processing the picture (before it records the
        // outcome and drops the segments), the second reads the upload meanwhile (unfinalized) and stalls before it reads
        // the segments — by then the first has dropped them. It must still answer the finalized media.
        try (var raced = new ServerProcess(dir.resolve("raced")).withEnv(Map.of("MEDIAUP_FAILPOINTS",
                "inline.after-variants=delay:1500,finalize.after-lookup=delay:4000@2")).start()) {
            Api a = new Api(raced.baseUrl(), raced.createToken("1001", "media.write tweet.read"));
            byte[] png = Api.png(64, 48);
            String id = a.initialize("image/png", "tweet_image", png.length);
            assertThat(a.append(id, 0, png).status()).isEqualTo(200);
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                Future<Res> first = pool.submit(() -> a.finalizeUpload(id));
                Thread.sleep(300);
                Future<Res> second = pool.submit(() -> a.finalizeUpload(id));
                for (Future<Res> f : List.of(first, second)) {
                    Res r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    assertThat(r.data().get("size").asLong()).isEqualTo(png.length);
                    assertThat(r.data().get("image").get("w").asInt()).isEqualTo(64);
                }
            }
            assertThat(raced.log()).as("the second FINALIZE did stall where the race is").contains("failpoint finalize.after-lookup: stalling");
        }
    }

    @Test
    void concurrentFinalizesAllAnswerWithTheFinalizedMedia() throws Exception {
        for (String type : List.of("image/png", "video/mp4")) {
            byte[] bytes = type.equals("image/png") ? Api.png(64, 48) : Fixtures.mp4(1, 160, 120);
            String id = api.initialize(type, type.equals("image/png") ? "tweet_image" : "tweet_video", bytes.length);
            assertThat(api.append(id, 0, bytes).status()).isEqualTo(200);
            try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
                List<Future<Res>> all = new ArrayList<>();
                for (int i = 0; i < 10; i++) all.add(pool.submit(() -> api.finalizeUpload(id)));
                for (Future<Res> f : all) {
                    Res r = f.get();
                    assertThat(r.status()).as("%s: %s", type, r).isEqualTo(200);
                    assertThat(r.data().get("id").asString()).isEqualTo(id);
                    assertThat(r.data().get("size").asLong()).isEqualTo(bytes.length);
                }
            }
        }
    }
}
