package dev.mediaup.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resumable Uploads for HTTP (the IETF draft, interop version 8) on X's one-shot endpoint, checked on the wire by a
 * client written from the draft's text ({@link RufhWire}), which sees the 104 interim responses Java's HttpClient
 * hides: creation with the 104 before the body, offsets, appends, completion with X's answer, lengths learned late,
 * the draft's problem types, transfers cut off at random points and resumed (every file byte-identical), and an
 * append still running when the client asks where it stands. On both backends.
 */
class RufhIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String UPLOAD = "/2/media/upload?media_category=tweet_image";

    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static String token;
    static RufhWire wire;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data")).start();
        token = server.createToken("9300", "media.write media.read tweet.read");
        api = new Api(server.baseUrl(), token);
        wire = new RufhWire(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A glTF binary (served as uploaded, so delivery proves every byte) with {@code bin} random bytes in its BIN chunk. */
    static byte[] model(int bin, long seed) {
        byte[] json = "{\"asset\":{\"version\":\"2.0\"}}".getBytes(StandardCharsets.UTF_8);
        int jl = (json.length + 3) & ~3, bl = (bin + 3) & ~3, total = 12 + 8 + jl + 8 + bl;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46546C67).putInt(2).putInt(total).putInt(jl).putInt(0x4E4F534A).put(json);
        while (b.position() < 20 + jl) b.put((byte) ' ');
        byte[] random = new byte[bl];
        new Random(seed).nextBytes(random);
        b.putInt(bl).putInt(0x004E4942).put(random);
        return b.array();
    }

    static List<String> fields(String... more) {
        List<String> f = new ArrayList<>(List.of("Authorization: Bearer " + token, "Upload-Draft-Interop-Version: " + RufhWire.INTEROP));
        f.addAll(Arrays.asList(more));
        return f;
    }

    static String path(String location) {
        return URI.create(location).getRawPath();
    }

    static JsonNode data(RufhWire.Response r) {
        return JSON.readTree(r.body()).get("data");
    }

    @Test
    void aRawPostOffersResumptionInA104BeforeItsBodyThenAnswersAsTheOneShotUpload() throws Exception {
        byte[] file = model(200_000, 1);
        var e = wire.send("POST", UPLOAD, fields("Upload-Complete: ?1", "Content-Type: model/gltf-binary"), file, 0, file.length, -1,
                true);
        assertThat(e.interim()).hasSize(1);
        RufhWire.Response hint = e.interim().getFirst();
        assertThat(hint.status()).isEqualTo(104);
        assertThat(hint.field("Location")).matches(server.baseUrl() + "/2/media/upload/resumable/\\d+");
        assertThat(hint.field("Upload-Draft-Interop-Version")).isEqualTo("8");
        assertThat(hint.field("Upload-Limit")).contains("max-size=" + file.length).containsPattern("max-age=\\d+");
        RufhWire.Response done = e.last();
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        assertThat(done.field("Upload-Complete")).isEqualTo("?1");
        assertThat(done.field("Location")).isEqualTo(hint.field("Location"));
        String key = data(done).get("media_key").asString();
        assertThat(api.get("/media/" + key + "/orig").body()).isEqualTo(file);

        // a client that expects 100-continue still gets it, after the 104 (the draft: the 104 never replaces it)
        var expecting = wire.send("POST", UPLOAD, fields("Upload-Complete: ?1", "Content-Type: model/gltf-binary",
                "Expect: 100-continue"), file, 0, file.length, -1, true);
        assertThat(expecting.interim()).extracting(RufhWire.Response::status).containsExactly(104, 100);
        assertThat(expecting.last().status()).isEqualTo(200);
    }

    @Test
    void withoutAnInteropVersionItSpeaksTheSamePostIsAPlainOneShotUploadWithNo104() throws Exception {
        byte[] file = model(1000, 2);
        for (List<String> f : List.of(List.of("Authorization: Bearer " + token, "Upload-Complete: ?1", "Content-Type: model/gltf-binary"),
                fields("Content-Type: model/gltf-binary"), List.of("Authorization: Bearer " + token, "Upload-Draft-Interop-Version: 3",
                        "Upload-Complete: ?1", "Content-Type: model/gltf-binary"))) {
            var e = wire.send("POST", UPLOAD, f, file, 0, file.length, -1, false);
            assertThat(e.interim()).as("no 1xx for %s", f).isEmpty();
            assertThat(e.last().status()).as(e.last().text()).isEqualTo(200);
            assertThat(api.get("/media/" + data(e.last()).get("media_key").asString() + "/orig").body()).isEqualTo(file);
        }
    }

    @Test
    void aCarefulClientCreatesAppendsCompletesAndMayAskForTheLastAnswerAgain() throws Exception {
        byte[] file = model(30_000, 3);
        int half = file.length / 2;
        var made = wire.send("POST", UPLOAD + "&media_type=model/gltf-binary", fields("Upload-Complete: ?0",
                "Upload-Length: " + file.length), new byte[0], 0, 0, -1, false).last();
        assertThat(made.status()).as(made.text()).isEqualTo(201);
        assertThat(made.field("Upload-Complete")).isEqualTo("?0");
        assertThat(made.field("Upload-Limit")).contains("max-size=" + file.length);
        String at = path(made.field("Location"));
        assertThat(data(made).get("id").asString()).isEqualTo(at.substring(at.lastIndexOf('/') + 1));

        var first = append(at, file, 0, half, false);
        assertThat(first.status()).isEqualTo(204);
        assertThat(first.field("Upload-Offset")).isEqualTo(Integer.toString(half));
        assertThat(first.field("Upload-Complete")).isEqualTo("?0");
        var head = wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last();
        assertThat(head.status()).isEqualTo(204);
        assertThat(head.fields()).containsEntry("Upload-Offset", Integer.toString(half)).containsEntry("Upload-Complete", "?0")
                .containsEntry("Upload-Length", Integer.toString(file.length)).containsEntry("Cache-Control", "no-store");
        assertThat(head.field("Upload-Limit")).containsPattern("max-age=\\d+");

        var wrong = append(at, file, 7, file.length, true);
        assertThat(wrong.status()).isEqualTo(409);
        assertThat(wrong.fields()).containsEntry("Upload-Offset", Integer.toString(half)).containsEntry("Upload-Complete", "?0");
        JsonNode problem = JSON.readTree(wrong.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://iana.org/assignments/http-problem-types#mismatching-upload-offset");
        assertThat(problem.get("expected-offset").asLong()).isEqualTo(half);
        assertThat(problem.get("provided-offset").asLong()).isEqualTo(7);
        var unlabelled = wire.send("PATCH", at, fields("Upload-Complete: ?1", "Upload-Offset: " + half,
                "Content-Type: application/octet-stream"), file, half, file.length, -1, false).last();
        assertThat(unlabelled.status()).as("not application/partial-upload").isEqualTo(415);

        var last = append(at, file, half, file.length, true);
        assertThat(last.status()).as(last.text()).isEqualTo(200);
        assertThat(last.field("Upload-Complete")).isEqualTo("?1");
        String key = data(last).get("media_key").asString();
        var again = append(at, file, file.length, file.length, true);
        assertThat(again.status()).as("the final answer, replayed").isEqualTo(200);
        assertThat(data(again).get("media_key").asString()).isEqualTo(key);
        assertThat(wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last().field("Upload-Complete")).isEqualTo("?1");
        assertThat(api.get("/media/" + key + "/orig").body()).isEqualTo(file);

        String stranger = server.createToken("9301", "media.write media.read");
        var theirs = wire.send("HEAD", at, List.of("Authorization: Bearer " + stranger), null, 0, 0, -1, false).last();
        assertThat(theirs.status()).as("another user's upload resource").isEqualTo(404);
    }

    static RufhWire.Response append(String at, byte[] file, int from, int to, boolean complete) throws Exception {
        return wire.send("PATCH", at, fields("Upload-Complete: " + (complete ? "?1" : "?0"), "Upload-Offset: " + from,
                "Content-Type: application/partial-upload"), file, from, to, -1, false).last();
    }

    @Test
    void aLengthUnknownUntilTheEndIsLearnedAtCompletion() throws Exception {
        byte[] file = model(50_000, 4);
        var made = wire.send("POST", UPLOAD, fields("Upload-Complete: ?0", "Content-Type: model/gltf-binary"), file, 0, 1000, -1,
                false).last();
        assertThat(made.status()).isEqualTo(201);
        String at = path(made.field("Location"));
        assertThat(wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last().fields()).doesNotContainKey("Upload-Length")
                .containsEntry("Upload-Offset", "1000");
        var done = append(at, file, 1000, file.length, true);
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        assertThat(data(done).get("size").asLong()).isEqualTo(file.length);
        assertThat(wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last().field("Upload-Length"))
                .isEqualTo(Integer.toString(file.length));
    }

    @Test
    void lengthsThatDisagreeAreRefusedUnderTheDraftsProblemTypeAndNothingIsAppended() throws Exception {
        byte[] file = model(1000, 5);
        String inconsistent = "https://iana.org/assignments/http-problem-types#inconsistent-upload-length";
        var both = wire.send("POST", UPLOAD, fields("Upload-Complete: ?1", "Upload-Length: 5", "Content-Type: model/gltf-binary"),
                file, 0, file.length, -1, false).last();
        assertThat(both.status()).isEqualTo(400);
        // on X's endpoint, X's problem type (its document lists no other there); the same error by its stable name
        assertThat(JSON.readTree(both.body()).get("type").asString()).isEqualTo("https://api.x.com/2/problems/invalid-request");
        assertThat(JSON.readTree(both.body()).get("error_code").asString()).isEqualTo("inconsistent_length");

        var made = wire.send("POST", UPLOAD, fields("Upload-Complete: ?0", "Upload-Length: " + file.length,
                "Content-Type: model/gltf-binary"), file, 0, 10, -1, false).last();
        String at = path(made.field("Location"));
        byte[] longer = Arrays.copyOf(file, file.length + 10);
        for (RufhWire.Response r : List.of(
                wire.send("PATCH", at, fields("Upload-Complete: ?0", "Upload-Offset: 10", "Upload-Length: 99",
                        "Content-Type: application/partial-upload"), file, 10, 20, -1, false).last(), // another length
                append(at, file, 10, 60, true), // complete at 60, but the upload is longer
                append(at, longer, 10, longer.length, false))) { // past its end
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("type").asString()).isEqualTo(inconsistent);
        }
        assertThat(wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last().field("Upload-Offset")).isEqualTo("10");
    }

    @Test
    void transfersCutOffAtRandomPointsKeepWhatArrivedAndResumeToByteIdenticalFiles() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        // fifty on the embedded backend; ten on PostgreSQL + S3, where what is checked again is the stores' part
        for (int i = 0; i < (Backend.CLUSTER ? 10 : 50); i++) {
            byte[] file = model(20_000 + rnd.nextInt(1_200_000), rnd.nextLong());
            int cut = rnd.nextInt(file.length);
            var created = wire.send("POST", UPLOAD, fields("Upload-Complete: ?1", "Content-Type: model/gltf-binary"), file, 0,
                    file.length, cut, true);
            assertThat(created.last()).as("the client dropped it").isNull();
            String at = path(created.interim().getFirst().field("Location"));
            long sent = cut, before = 0;
            RufhWire.Response done = null;
            for (int attempt = 0; done == null; attempt++) {
                assertThat(attempt).as("seed %d, file %d: resumed too often", seed, i).isLessThan(20);
                var head = wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last();
                long offset = Long.parseLong(head.field("Upload-Offset"));
                assertThat(offset).as("seed %d: never more than was sent, never less than before", seed).isBetween(before, sent);
                before = offset;
                int drop = rnd.nextInt(3) == 0 ? rnd.nextInt((int) (file.length - offset) + 1) : -1;
                var p = wire.send("PATCH", at, fields("Upload-Complete: ?1", "Upload-Offset: " + offset,
                        "Content-Type: application/partial-upload"), file, (int) offset, file.length, drop, false);
                sent = drop < 0 ? file.length : offset + drop;
                done = p.last();
            }
            assertThat(done.status()).as("seed %d: %s", seed, done.text()).isEqualTo(200);
            assertThat(api.get("/media/" + data(done).get("media_key").asString() + "/orig").body()).as("seed %d, file %d", seed, i)
                    .isEqualTo(file);
        }
    }

    @Test
    void anAppendStillRunningEndsWhenTheClientAsksWhereItStandsAndKeepsWhatItGot() throws Exception {
        byte[] file = model(500_000, 6);
        var made = wire.send("POST", UPLOAD, fields("Upload-Complete: ?0", "Content-Type: model/gltf-binary"), new byte[0], 0, 0,
                -1, false).last();
        String at = path(made.field("Location"));
        URI base = URI.create(server.baseUrl());
        try (Socket stalled = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = stalled.getOutputStream();
            String head = "PATCH " + at + " HTTP/1.1\r\nHost: x\r\n" + String.join("\r\n", fields("Upload-Complete: ?1",
                    "Upload-Offset: 0", "Content-Type: application/partial-upload")) + "\r\nContent-Length: " + file.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(file, 0, 300_000);
            out.flush();
            // the network "failed" as the client sees it, and the server still waits for the rest; the client asks
            Thread.sleep(300);
            var where = wire.send("HEAD", at, fields(), null, 0, 0, -1, false).last();
            assertThat(where.field("Upload-Offset")).as("what the stalled request got, kept").isEqualTo("300000");
            InputStream in = stalled.getInputStream();
            stalled.setSoTimeout(10_000);
            byte[] rest = in.readAllBytes(); // the server closed the stalled connection (whatever it wrote first)
            assertThat(new String(rest, StandardCharsets.US_ASCII)).doesNotContain("HTTP/1.1 200");
        }
        var done = append(at, file, 300_000, file.length, true);
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        assertThat(api.get("/media/" + data(done).get("media_key").asString() + "/orig").body()).isEqualTo(file);
    }

    @Test
    void aLongBodyIsReportedIn104sOnlyAsFarAsItIsDurable() throws Exception {
        byte[] file = Fixtures.paddedMp4(40 << 20);
        var e = wire.send("POST", "/2/media/upload?media_category=tweet_video", fields("Upload-Complete: ?1", "Content-Type: video/mp4"),
                file, 0, file.length, -1, true);
        assertThat(e.last().status()).as(e.last().text()).isEqualTo(200);
        List<String> offsets = e.interim().stream().skip(1).map(r -> r.field("Upload-Offset")).toList();
        assertThat(offsets).containsExactly(Integer.toString(16 << 20), Integer.toString(32 << 20));
        String location = e.interim().getFirst().field("Location");
        assertThat(e.interim()).allSatisfy(r -> assertThat(r.field("Location")).isEqualTo(location));

        // an append's progress answers carry the offset and never a Location
        var made = wire.send("POST", "/2/media/upload?media_category=tweet_video", fields("Upload-Complete: ?0",
                "Content-Type: video/mp4"), new byte[0], 0, 0, -1, false).last();
        var p = wire.send("PATCH", path(made.field("Location")), fields("Upload-Complete: ?1", "Upload-Offset: 0",
                "Content-Type: application/partial-upload"), file, 0, file.length, -1, false);
        assertThat(p.last().status()).as(p.last().text()).isEqualTo(200);
        assertThat(p.interim()).extracting(r -> r.field("Upload-Offset")).containsExactly(Integer.toString(16 << 20),
                Integer.toString(32 << 20));
        assertThat(p.interim()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(104);
            assertThat(r.fields()).doesNotContainKey("Location").containsEntry("Upload-Draft-Interop-Version", "8");
        });
    }

    /** Runs compat/tus.mjs in one of tus-js-client's IETF modes; its exit code and output. */
    static ServerProcess.Ran tusJs(Path file, String protocol, Path storage, Long killAfter) throws Exception {
        return TusIT.tusJs(file, "model/gltf-binary", storage, killAfter, Duration.ofSeconds(120), Map.of("MEDIAUP_BASE_URL", server.baseUrl(),
                "MEDIAUP_TOKEN", token, "MEDIAUP_TUS_CHUNK", Integer.toString(1 << 20), "MEDIAUP_TUS_PROTOCOL", protocol,
                "MEDIAUP_TUS_CATEGORY", "tweet_image"));
    }

    /** tus-js-client, unmodified, in both its IETF modes (interop 5 and 6): killed mid-upload, then resumed by a second run. */
    @Test
    void tusJsClientInBothIetfModesResumesAnUploadItWasKilledIn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Backend.CLUSTER, "a client's dialect: the embedded pass checks it");
        ClientCompatIT.installCompat();
        for (String protocol : List.of("ietf-draft-03", "ietf-draft-05")) {
            byte[] file = model(4 << 20, protocol.hashCode());
            Path path = Files.write(dir.resolve(protocol + ".glb"), file), storage = dir.resolve(protocol + "-urls.json");
            ServerProcess.Ran first = tusJs(path, protocol, storage, 2L << 20);
            assertThat(first.exit()).as("%s killed itself after 2 MiB: %s", protocol, first.output()).isEqualTo(137);
            ServerProcess.Ran second = tusJs(path, protocol, storage, null);
            assertThat(second.exit()).as(second.output()).isZero();
            JsonNode r = JSON.readTree(second.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
            assertThat(r.get("resumed").asBoolean()).as("%s: the second run resumed the first one's upload", protocol).isTrue();
            assertThat(r.get("offsetAtStart").asLong()).isGreaterThanOrEqualTo(2L << 20);
            assertThat(r.get("url").asString()).contains("/2/media/upload/resumable/");
            assertThat(api.get("/media/" + r.get("media_key").asString() + "/orig").body()).as(protocol).isEqualTo(file);
        }
    }

    /** A thousand creations at once with no bodies: each an upload like an INIT (or a 429), none a failure of the server. */
    @Test
    void aThousandConcurrentCreationsWithoutBodiesAreUploadsLikeAnyOther() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Backend.CLUSTER, "the HTTP layer's: the embedded pass checks it");
        String other = server.createToken("9302", "media.write media.read");
        var http = java.net.http.HttpClient.newHttpClient();
        var statuses = new java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.AtomicInteger>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < 1000; i++)
                pool.submit(() -> {
                    var r = http.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUrl() + UPLOAD))
                            .header("Authorization", "Bearer " + other).header("Upload-Draft-Interop-Version", "8")
                            .header("Upload-Complete", "?0").header("Content-Type", "image/png")
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                    statuses.computeIfAbsent(r.statusCode(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    return null;
                });
        }
        assertThat(statuses.keySet()).as("%s", statuses).isSubsetOf(201, 429);
        assertThat(statuses.get(201).get()).isPositive();
        assertThat(api.as(null).get("/healthz").status()).isEqualTo(200);
    }

    /**
     * Through the cluster's nodes (PostgreSQL + S3): the 104 comes from the node that took the creation, the transfer
     * drops, and another node answers where the upload stands and takes the rest; then a second transfer cut off on
     * that node is resumed on the first. Every byte lands once.
     */
    @Test
    void anotherNodeResumesWhatOneNodeStarted() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Backend.CLUSTER, "the cluster pass: nodes sharing PostgreSQL and S3");
        try (ServerProcess other = new ServerProcess(dir.resolve("other")).withEnv(Backend.env(dir.resolve("data"))).start()) {
            RufhWire second = new RufhWire(other.baseUrl());
            byte[] file = model(2_000_000, 7);
            var created = wire.send("POST", UPLOAD, fields("Upload-Complete: ?1", "Content-Type: model/gltf-binary"), file, 0,
                    file.length, 700_000, true);
            assertThat(created.interim().getFirst().status()).isEqualTo(104);
            String at = path(created.interim().getFirst().field("Location"));
            // the first node notices the reset and stores what came; another node cannot cut it off, so it asks until settled
            long offset = settled(second, at);
            assertThat(offset).isBetween(0L, 700_000L);
            var cut = second.send("PATCH", at, fields("Upload-Complete: ?1", "Upload-Offset: " + offset,
                    "Content-Type: application/partial-upload"), file, (int) offset, file.length, 500_000, false);
            assertThat(cut.last()).isNull();
            long again = settled(wire, at);
            assertThat(again).isBetween(offset, offset + 500_000);
            var done = append(at, file, (int) again, file.length, true);
            assertThat(done.status()).as(done.text()).isEqualTo(200);
            assertThat(new Api(other.baseUrl(), token).get("/media/" + data(done).get("media_key").asString() + "/orig").body())
                    .isEqualTo(file);
        }
    }

    /** The upload's offset once two answers a while apart agree (a transfer cut off on another node has been stored). */
    static long settled(RufhWire node, String at) throws Exception {
        long before = -1;
        for (int i = 0; i < 100; i++) {
            long now = Long.parseLong(node.send("HEAD", at, fields(), null, 0, 0, -1, false).last().field("Upload-Offset"));
            if (now == before) return now;
            before = now;
            Thread.sleep(300);
        }
        return before;
    }

    @Test
    void optionsAnnouncesTheLimits() throws Exception {
        var any = wire.send("OPTIONS", "/2/media/upload", List.of("Authorization: Bearer " + token), null, 0, 0, -1, false).last();
        assertThat(any.status()).isEqualTo(204);
        assertThat(any.field("Upload-Limit")).startsWith("max-size=").contains("max-append-size=");
        var images = wire.send("OPTIONS", UPLOAD, List.of("Authorization: Bearer " + token), null, 0, 0, -1, false).last();
        assertThat(images.field("Upload-Limit")).startsWith("max-size=" + (5 << 20) + ",");
    }
}
