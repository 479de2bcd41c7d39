package dev.mediaup.it;

import com.sun.net.httpserver.HttpServer;
import dev.mediaup.core.Failpoint;
import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash matrix: for each {@link Failpoint}, a real server is started with it armed, a client drives the
 * flow that passes there until the server dies at that very point (exit 137, its log naming the point), the server is
 * restarted on the same data, and the client carries on as a real one would (re-sending what was not answered). Then:
 * every acknowledged segment is intact (SHA-256), the media is finished and served whole (every variant, and the
 * original byte for byte where kept), every job and webhook ends, and after {@code gc} the blob store holds exactly
 * what the database refers to — nothing leaked, nothing deleted too early.
 *
 * <p>{@code ./mvnw -B verify} runs a sample of the points on each backend; the whole matrix is
 * {@code ./mvnw -B verify -Dit.test=CrashMatrixIT -Dmediaup.crash-matrix=all} (about 10 minutes per backend), which
 * also writes {@code target/crash-matrix-<backend>.md}, docs/hardening.md's table.
 */
class CrashMatrixIT {
    enum Flow { VIDEO, PICTURE, ONESHOT, WEBHOOK, EXPIRY, ORPHANS, TUS, RESUMABLE, REPEAT }

    /** Where the point is on the path, and what it takes to get there. */
    record Drill(Failpoint point, Flow flow, int pass, boolean keepOriginals, Only only) {
        String action() {
            return point.id + "=kill" + (pass > 1 ? "@" + pass : "");
        }
    }

    /** Points in one store's code exist on that backend only. */
    enum Only { ANY, FILES, OBJECT_STORE }

    private static final List<Drill> DRILLS = List.of(
            new Drill(Failpoint.APPEND_BEFORE_BLOB, Flow.VIDEO, 3, false, Only.ANY),
            new Drill(Failpoint.APPEND_AFTER_BLOB, Flow.VIDEO, 3, false, Only.ANY),
            new Drill(Failpoint.APPEND_AFTER_ROW, Flow.VIDEO, 3, false, Only.ANY),
            new Drill(Failpoint.APPEND_RESEND_BEFORE_OLD_BLOB_DELETE, Flow.VIDEO, 1, false, Only.ANY),
            // resumable HTTP: the client drops its transfer mid-body; a long body's first piece recorded
            new Drill(Failpoint.APPEND_CUT_OFF_BEFORE_STORE, Flow.RESUMABLE, 1, false, Only.ANY),
            new Drill(Failpoint.APPEND_ARRIVING_AFTER_PIECE, Flow.RESUMABLE, 1, false, Only.ANY),
            new Drill(Failpoint.FILE_BEFORE_FSYNC, Flow.VIDEO, 3, false, Only.FILES),
            new Drill(Failpoint.FILE_BEFORE_RENAME, Flow.VIDEO, 3, false, Only.FILES),
            new Drill(Failpoint.FILE_BEFORE_DIR_FSYNC, Flow.VIDEO, 3, false, Only.FILES),
            // the first append of an upload writes a file of its own, the next ones fill spares made meanwhile
            new Drill(Failpoint.FILE_IN_PLACE_BEFORE_FSYNC, Flow.VIDEO, 1, false, Only.FILES),
            new Drill(Failpoint.S3_BEFORE_PUT, Flow.VIDEO, 3, false, Only.OBJECT_STORE),
            new Drill(Failpoint.S3_AFTER_PUT, Flow.VIDEO, 3, false, Only.OBJECT_STORE),
            new Drill(Failpoint.S3_ASSEMBLE_AFTER_CREATE, Flow.VIDEO, 1, true, Only.OBJECT_STORE),
            new Drill(Failpoint.S3_ASSEMBLE_BEFORE_COMPLETE, Flow.VIDEO, 1, true, Only.OBJECT_STORE),
            new Drill(Failpoint.FINALIZE_AFTER_LOOKUP, Flow.PICTURE, 1, false, Only.ANY),
            new Drill(Failpoint.FINALIZE_AFTER_SNIFF, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.FINALIZE_AFTER_QUEUE, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.INLINE_AFTER_VARIANTS, Flow.PICTURE, 1, false, Only.ANY),
            new Drill(Failpoint.INLINE_AFTER_ASSEMBLE, Flow.PICTURE, 1, true, Only.OBJECT_STORE),
            new Drill(Failpoint.INLINE_AFTER_RECORD, Flow.PICTURE, 1, false, Only.ANY),
            new Drill(Failpoint.ONESHOT_AFTER_BLOB, Flow.ONESHOT, 1, false, Only.ANY),
            new Drill(Failpoint.ONESHOT_AFTER_CREATE, Flow.ONESHOT, 1, false, Only.ANY),
            new Drill(Failpoint.TUS_CONCAT_AFTER_MOVE, Flow.TUS, 1, false, Only.ANY),
            new Drill(Failpoint.TUS_PATCH_BEFORE_FINALIZE, Flow.TUS, 1, false, Only.ANY),
            new Drill(Failpoint.JOB_AFTER_CLAIM, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.JOB_AFTER_IN_PROGRESS, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.VIDEO_AFTER_ENCODE, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.VIDEO_AFTER_RENDITION_STORED, Flow.VIDEO, 2, false, Only.ANY),
            new Drill(Failpoint.VIDEO_AFTER_VARIANTS, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.QUEUED_AFTER_ASSEMBLE, Flow.VIDEO, 1, true, Only.OBJECT_STORE),
            new Drill(Failpoint.QUEUED_AFTER_SET_ORIGINAL, Flow.VIDEO, 1, true, Only.OBJECT_STORE),
            new Drill(Failpoint.QUEUED_AFTER_SUCCESS, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.QUEUED_MID_DROP, Flow.VIDEO, 1, false, Only.ANY),
            new Drill(Failpoint.JOB_BEFORE_COMPLETE, Flow.VIDEO, 1, false, Only.ANY),
            // store once: the second upload of the same bytes shares the first one's variants; then both are deleted
            new Drill(Failpoint.REPEAT_AFTER_SHARE, Flow.REPEAT, 1, true, Only.ANY),
            new Drill(Failpoint.DELETE_AFTER_UNLINK, Flow.REPEAT, 2, true, Only.ANY),
            new Drill(Failpoint.WEBHOOK_BEFORE_SEND, Flow.WEBHOOK, 1, false, Only.ANY),
            new Drill(Failpoint.WEBHOOK_AFTER_SEND, Flow.WEBHOOK, 1, false, Only.ANY),
            new Drill(Failpoint.SWEEP_AFTER_EXPIRE, Flow.EXPIRY, 1, false, Only.ANY),
            new Drill(Failpoint.SWEEP_AFTER_PURGE_BLOBS, Flow.EXPIRY, 1, false, Only.ANY),
            new Drill(Failpoint.SWEEP_AFTER_ORPHAN_DELETE, Flow.ORPHANS, 1, false, Only.ANY));

    /**
     * What the suite runs when not asked for the whole matrix: four points on the embedded backend (about a minute),
     * two of the object store's own on the cluster one, whose drills are slower.
     */
    private static final Set<Failpoint> SAMPLE = Backend.CLUSTER
            ? EnumSet.of(Failpoint.S3_AFTER_PUT, Failpoint.S3_ASSEMBLE_BEFORE_COMPLETE, Failpoint.REPEAT_AFTER_SHARE)
            : EnumSet.of(Failpoint.APPEND_AFTER_BLOB, Failpoint.FILE_IN_PLACE_BEFORE_FSYNC, Failpoint.INLINE_AFTER_RECORD,
                    Failpoint.QUEUED_MID_DROP, Failpoint.DELETE_AFTER_UNLINK);

    private static final Map<Failpoint, String> RESULTS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @Test
    void everyFailpointHasADrill() {
        assertThat(DRILLS.stream().map(Drill::point).collect(Collectors.toSet())).containsExactlyInAnyOrder(Failpoint.values());
        assertThat(Failpoint.values().length).as("the issue asks for at least 30 points").isGreaterThanOrEqualTo(30);
    }

    @Test
    void killedAtEachPointTheServerLosesNothingAcknowledgedAndLeaksNothing() throws Exception {
        // "all": the whole matrix; a comma-separated list of point ids: those; unset: the sample
        String asked = System.getProperty("mediaup.crash-matrix", "");
        boolean all = asked.equals("all");
        Set<String> named = asked.isEmpty() || all ? Set.of() : Set.of(asked.split(","));
        Only backend = Backend.CLUSTER ? Only.OBJECT_STORE : Only.FILES;
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Drill d : DRILLS) {
            if (d.only() != Only.ANY && d.only() != backend) {
                RESULTS.put(d.point(), "n/a");
                continue;
            }
            if (!all && (named.isEmpty() ? !SAMPLE.contains(d.point()) : !named.contains(d.point().id))) continue;
            long t0 = System.nanoTime();
            try {
                new Run(d, dir.resolve("d" + n++)).drill();
                RESULTS.put(d.point(), "passed (" + (System.nanoTime() - t0) / 1_000_000_000 + " s)");
            } catch (Throwable e) {
                RESULTS.put(d.point(), "FAILED");
                failures.add(d.action() + ": " + e);
                e.printStackTrace();
            }
        }
        assertThat(failures).as("drills that failed").isEmpty();
    }

    @AfterAll
    static void table() throws IOException {
        if (RESULTS.isEmpty()) return;
        StringBuilder t = new StringBuilder("| failpoint | flow | " + (Backend.CLUSTER ? "PostgreSQL + S3" : "SQLite + files") + " |\n|---|---|---|\n");
        for (Drill d : DRILLS)
            if (RESULTS.containsKey(d.point()))
                t.append("| `").append(d.action()).append("` | ").append(d.flow().name().toLowerCase(Locale.ROOT))
                        .append(d.keepOriginals() ? " (--keep-originals)" : "").append(" | ").append(RESULTS.get(d.point())).append(" |\n");
        Path out = Path.of("target", "crash-matrix-" + (Backend.CLUSTER ? "cluster" : "embedded") + ".md");
        Files.writeString(out, t);
        System.out.print("CRASH MATRIX\n" + t);
    }

    /** One drill: a server with the point armed, a client that carries on across the crash, the checks. */
    private static final class Run {
        final Drill d;
        final ServerProcess server;
        final List<String> args = new ArrayList<>();
        Api api;
        String token;
        String crashedDuring;
        HttpServer receiver;
        final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

        Run(Drill d, Path data) throws IOException {
            this.d = d;
            args.addAll(List.of("--lease-secs", "3")); // a dead node's job is taken over after 3 s, not 30
            if (d.keepOriginals()) args.add("--keep-originals");
            if (d.flow() == Flow.EXPIRY) args.addAll(List.of("--expires-after-secs", "2", "--sweep-interval-secs", "1"));
            if (d.flow() == Flow.WEBHOOK) {
                receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                receiver.createContext("/hook", ex -> {
                    ex.getRequestBody().readAllBytes();
                    delivered.computeIfAbsent(ex.getRequestHeaders().getFirst("X-Mediaup-Delivery"), k -> new AtomicInteger()).incrementAndGet();
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
                receiver.start();
                args.addAll(List.of("--webhook-url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "--webhook-secret", "s"));
            }
            server = new ServerProcess(data, args.toArray(String[]::new)).withEnv(Map.of("MEDIAUP_FAILPOINTS", d.action()));
        }

        void drill() throws Exception {
            try {
                server.start();
                token = server.createToken("900", "media.write media.read tweet.read");
                api = new Api(server.baseUrl(), token);
                switch (d.flow()) {
                    case VIDEO -> video();
                    case PICTURE -> picture(false);
                    case ONESHOT -> picture(true);
                    case WEBHOOK -> webhook();
                    case EXPIRY -> expiry();
                    case ORPHANS -> orphans();
                    case TUS -> tus();
                    case RESUMABLE -> resumable();
                    case REPEAT -> repeat();
                }
                assertThat(crashedDuring).as("the server died at " + d.point().id).isNotNull();
                // a job whose result was recorded before the crash finishes what it implied when it runs again
                await("every job done", () -> count("SELECT count(*) FROM jobs WHERE state <> 'DONE'") == 0, Duration.ofSeconds(30));
                server.close();
                assertThat(server.cli("gc", "--orphan-min-age-secs", "0")).isNotBlank();
                storeHoldsExactlyWhatIsReferenced();
            } finally {
                server.close();
                if (receiver != null) receiver.stop(0);
            }
        }

        // ---- the client, which carries on across the crash ----

        /** The server should have died at the point: check it did, there, and start it again without the point. */
        void crashed(String during, Exception cause) throws IOException, InterruptedException {
            if (crashedDuring != null) throw new AssertionError("a second failure during " + during + " after the crash during "
                    + crashedDuring, cause);
            int code;
            try {
                code = server.awaitExit(20);
            } catch (IllegalStateException e) {
                throw new AssertionError(during + " failed but the server is still running", cause);
            }
            assertThat(code).as("exit code").isEqualTo(137);
            assertThat(server.log()).contains("failpoint " + d.point().id + ": killing the process");
            crashedDuring = during;
            server.withEnv(Map.of()).start();
        }

        /** A request a client sends until it is answered; a 2xx is expected (the protocol makes each retry safe). */
        Res step(String what, Supplier<Res> request) throws IOException, InterruptedException {
            while (true) {
                try {
                    Res r = request.get();
                    assertThat(r.status() / 100).as("%s: %s", what, r).isEqualTo(2);
                    return r;
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof IOException)) throw e;
                    crashed(what, e);
                }
            }
        }

        /** Waits for {@code done}; a server that dies meanwhile (a background point) is checked and restarted. */
        void await(String what, BooleanSupplier done, Duration max) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (true) {
                if (!server.alive()) crashed(what, null);
                try {
                    if (done.getAsBoolean()) return;
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof IOException)) throw e;
                    crashed(what, e);
                    continue;
                }
                assertThat(System.nanoTime()).as("%s within %s", what, max).isLessThan(deadline);
                Thread.sleep(200);
            }
        }

        JsonNode processed(String id) throws IOException, InterruptedException {
            JsonNode[] last = new JsonNode[1];
            await("processing", () -> {
                JsonNode data = api.status(id).data();
                last[0] = data;
                JsonNode pi = data.get("processing_info");
                return pi == null || Set.of("succeeded", "failed").contains(pi.get("state").asString());
            }, Duration.ofSeconds(120));
            JsonNode pi = last[0].get("processing_info");
            assertThat(pi == null ? "succeeded" : pi.get("state").asString()).as("%s", last[0]).isEqualTo("succeeded");
            return last[0];
        }

        // ---- the flows ----

        void video() throws Exception {
            byte[] media = Fixtures.mp4(2, 320, 240);
            byte[][] parts = split(media, 4);
            String id = chunked("video/mp4", "tweet_video", media.length, parts);
            step("re-sent append 1", () -> api.append(id, 1, parts[1]));
            segmentsIntact(id, parts);
            step("finalize", () -> api.finalizeUpload(id));
            JsonNode done = processed(id);
            assertThat(done.get("size").asLong()).isEqualTo(media.length);
            served("7_" + id, media, true);
        }

        /** A tus request (the Api's checks apply; tus paths are not X's operations). */
        Res tus(String method, String path, byte[] body, String... headers) {
            String[] all = new String[headers.length + 2];
            all[0] = "Tus-Resumable";
            all[1] = "1.0.0";
            System.arraycopy(headers, 0, all, 2, headers.length);
            return api.send(method, path, body == null ? null : "application/offset+octet-stream", body, all);
        }

        static String path(Res created) {
            String url = created.raw().headers().firstValue("Location").orElseThrow();
            return url.substring(url.indexOf("/files/"));
        }

        /**
         * As a tus client: a picture PATCHed whole (after a failure it asks HEAD where the upload stands and sends the
         * rest), then a video in two partial uploads concatenated (a final POST whose answer was lost is sent again).
         */
        void tus() throws Exception {
            byte[] png = Api.png(320, 240);
            String url = path(step("tus creation", () -> tus("POST", "/files", null, "Upload-Length", Integer.toString(png.length),
                    "Upload-Metadata", "filetype " + Base64.getEncoder().encodeToString("image/png".getBytes()))));
            for (long offset = 0; offset < png.length; ) {
                long from = offset;
                try {
                    Res r = tus("PATCH", url, Arrays.copyOfRange(png, (int) from, png.length), "Upload-Offset", Long.toString(from));
                    assertThat(r.status()).as("%s", r).isEqualTo(204);
                    break;
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof IOException)) throw e;
                    crashed("tus PATCH", e);
                }
                offset = Long.parseLong(step("tus HEAD", () -> tus("HEAD", url, null)).raw().headers().firstValue("Upload-Offset")
                        .orElseThrow());
            }
            String pngId = url.substring("/files/".length());
            processed(pngId);
            served("3_" + pngId, png, false);

            byte[] media = Fixtures.mp4(2, 320, 240);
            List<String> parts = new ArrayList<>();
            for (byte[] part : split(media, 2))
                parts.add(path(step("tus partial", () -> tus("POST", "/files", part, "Upload-Concat", "partial", "Upload-Length",
                        Integer.toString(part.length)))));
            Res fin = step("tus final", () -> tus("POST", "/files", null, "Upload-Concat", "final;" + String.join(" ", parts),
                    "Upload-Metadata", "filetype " + Base64.getEncoder().encodeToString("video/mp4".getBytes())));
            String videoId = fin.raw().headers().firstValue("Mediaup-Media-Id").orElseThrow();
            JsonNode done = processed(videoId);
            assertThat(done.get("size").asLong()).isEqualTo(media.length);
            served("7_" + videoId, media, true);
        }

        /**
         * Resumable HTTP: a 20 MiB video (a real clip and a free box) POSTed with the draft's headers. Cut off by the
         * client at 3 MiB, or sent whole (the server dies after its first 16 MiB piece); either way the client takes
         * the Location from the 104, asks where the upload stands once the server is back, and sends the rest.
         */
        void resumable() throws Exception {
            byte[] media = Fixtures.withFreeBox(Fixtures.mp4(2, 320, 240), 20 << 20);
            RufhWire wire = new RufhWire(server.baseUrl());
            List<String> f = List.of("Authorization: Bearer " + token, "Upload-Draft-Interop-Version: " + RufhWire.INTEROP);
            boolean cut = d.point() == Failpoint.APPEND_CUT_OFF_BEFORE_STORE;
            var created = wire.send("POST", "/2/media/upload?media_category=tweet_video", plus(f, "Upload-Complete: ?1",
                    "Content-Type: video/mp4"), media, 0, media.length, cut ? 3 << 20 : -1, true);
            String at = URI.create(created.interim().getFirst().field("Location")).getRawPath();
            if (created.failure() != null) crashed("the resumable creation", created.failure());
            RufhWire.Response done = created.last();
            while (done == null) {
                try {
                    long offset = Long.parseLong(wire.send("HEAD", at, f, null, 0, 0, -1, false).last().field("Upload-Offset"));
                    var appended = wire.send("PATCH", at, plus(f, "Upload-Complete: ?1", "Upload-Offset: " + offset,
                            "Content-Type: application/partial-upload"), media, (int) offset, media.length, -1, false);
                    if (appended.failure() != null) throw appended.failure();
                    done = appended.last();
                } catch (IOException e) {
                    crashed("resuming", e);
                }
            }
            assertThat(done.status()).as(done.text()).isEqualTo(200);
            String id = done.field("Mediaup-Media-Id");
            JsonNode finished = processed(id);
            assertThat(finished.get("size").asLong()).isEqualTo(media.length);
            served("7_" + id, media, true);
        }

        static List<String> plus(List<String> fields, String... more) {
            List<String> all = new ArrayList<>(fields);
            all.addAll(List.of(more));
            return all;
        }

        void picture(boolean oneShot) throws Exception {
            byte[] png = Api.png(640, 480);
            String id;
            if (oneShot) {
                id = oneShot(png);
            } else {
                byte[][] parts = split(png, 2);
                id = chunked("image/png", "tweet_image", png.length, parts);
                segmentsIntact(id, parts);
                step("finalize", () -> api.finalizeUpload(id));
            }
            processed(id);
            served("3_" + id, png, false);
        }

        void webhook() throws Exception {
            byte[] png = Api.png(64, 48);
            String id = oneShot(png);
            // a claimed delivery is sent again once its claim (60 s) runs out: at least once, so after-send sees it twice
            int times = d.point() == Failpoint.WEBHOOK_AFTER_SEND ? 2 : 1;
            await("webhook delivery", () -> delivered.getOrDefault(id + ".succeeded", new AtomicInteger()).get() >= times
                    && crashedDuring != null, Duration.ofSeconds(100));
            await("the outbox row is done", () -> count("SELECT count(*) FROM webhook_outbox WHERE delivered_at IS NULL") == 0,
                    Duration.ofSeconds(10));
        }

        void expiry() throws Exception {
            byte[] media = Fixtures.mp4(1, 160, 120);
            String id = chunked("video/mp4", "tweet_video", media.length, split(media, 2));
            await("the expired session's bytes and rows are gone", () -> blobsOf(id).isEmpty()
                    && count("SELECT count(*) FROM segments WHERE upload_id = " + id) == 0 && crashedDuring != null, Duration.ofSeconds(30));
            Res r = api.status(id);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("session_expired");
        }

        /**
         * Store once: a video, then the same bytes again (its job shares the first one's variants), the repeat served
         * whole after the first is deleted, then the repeat deleted too — the last media using the bytes.
         */
        void repeat() throws Exception {
            byte[] media = Fixtures.mp4(2, 320, 240);
            String first = chunked("video/mp4", "tweet_video", media.length, split(media, 2));
            step("finalize", () -> api.finalizeUpload(first));
            processed(first);
            String again = chunked("video/mp4", "tweet_video", media.length, split(media, 3));
            step("finalize the repeat", () -> api.finalizeUpload(again));
            processed(again);
            assertThat(count("SELECT count(*) FROM variants WHERE media_id = " + again + " AND blob_key LIKE 'uploads/" + first + "/%'"))
                    .as("the repeat's variants are the first one's blobs").isPositive();
            deleted("7_" + first);
            served("7_" + again, media, true);
            // a repeat of the repeat, left in place: the final checks then see what it refers to
            String third = chunked("video/mp4", "tweet_video", media.length, split(media, 2));
            step("finalize the third", () -> api.finalizeUpload(third));
            processed(third);
            deleted("7_" + again);
            served("7_" + third, media, true);
        }

        /** DELETE, once: a crash may take the answer, never the deletion (its rows went before the blobs). */
        void deleted(String key) throws IOException, InterruptedException {
            try {
                Res r = api.send("DELETE", "/2/media/" + key, null, null);
                assertThat(r.status()).as("%s", r).isEqualTo(200);
            } catch (RuntimeException e) {
                if (!(e.getCause() instanceof IOException)) throw e;
                crashed("delete " + key, e);
            }
            assertThat(step("lookup", () -> api.get("/2/media/" + key)).json().has("data")).as(key + " is gone").isFalse();
        }

        void orphans() throws Exception {
            byte[] png = Api.png(64, 48);
            String id = oneShot(png);
            server.close();
            for (String orphan : List.of("uploads/" + id + "/s7777", "uploads/" + id + "/s8888", "uploads/1/s9999")) putBlob(orphan);
            var gc = server.cliStatus("gc", "--orphan-min-age-secs", "0");
            assertThat(gc.exit()).as("gc with the point armed: %s", gc.output()).isEqualTo(137);
            assertThat(gc.output()).contains("failpoint " + d.point().id);
            crashedDuring = "gc";
            server.withEnv(Map.of()).start();
            served("3_" + id, png, false);
        }

        /** Initializes an upload and appends {@code parts} in order; its id. */
        String chunked(String type, String category, long total, byte[][] parts) throws IOException, InterruptedException {
            String id = step("initialize", () -> api.postJson("/2/media/upload/initialize", "{\"media_type\":\"" + type
                    + "\",\"media_category\":\"" + category + "\",\"total_bytes\":" + total + "}")).data().get("id").asString();
            for (int i = 0; i < parts.length; i++) {
                int index = i;
                step("append " + i, () -> api.append(id, index, parts[index]));
            }
            return id;
        }

        /** A picture in one request; its id. */
        String oneShot(byte[] png) throws IOException, InterruptedException {
            return step("one-shot upload", () -> api.postMultipart("/2/media/upload", new Api.Multipart()
                    .field("media_category", "tweet_image").file("media", "p.png", png))).data().get("id").asString();
        }

        // ---- the checks ----

        void segmentsIntact(String id, byte[][] parts) throws Exception {
            JsonNode segs = step("segments", () -> api.get("/2/media/upload/" + id + "/segments")).data().get("segments");
            assertThat(segs).hasSize(parts.length);
            for (JsonNode s : segs)
                assertThat(s.get("sha256").asString()).as("segment %s", s).isEqualTo(ProtocolIT.sha256(parts[s.get("segment_index").asInt()]));
        }

        /** The media is served whole: every variant decodes or starts as it should; the original is the upload, where kept. */
        void served(String key, byte[] media, boolean video) throws IOException, InterruptedException {
            JsonNode m = step("lookup", () -> api.get("/2/media/" + key + "?media.fields=variants,url")).data();
            Api anonymous = api.as(null);
            if (video) {
                assertThat(m.get("variants")).isNotEmpty();
                for (JsonNode v : m.get("variants")) {
                    String url = v.get("url").asString();
                    Res r = step("variant", () -> anonymous.get(url.substring(url.indexOf("/media/"))));
                    if (v.get("content_type").asString().equals("video/mp4"))
                        assertThat(new String(r.body(), 4, 4, StandardCharsets.ISO_8859_1)).as("an MP4 rendition").isEqualTo("ftyp");
                }
            } else {
                String url = m.get("url").asString();
                Res r = step("picture", () -> anonymous.get(url.substring(url.indexOf("/media/"))));
                assertThat(ImageIO.read(new ByteArrayInputStream(r.body()))).as("the picture decodes").isNotNull();
            }
            if (d.keepOriginals())
                assertThat(step("original", () -> api.get("/media/" + key + "/original")).body()).as("the original, byte for byte")
                        .isEqualTo(media);
        }

        /** After gc: every blob is referenced (nothing leaked) and every reference has its blob (nothing deleted early). */
        void storeHoldsExactlyWhatIsReferenced() throws Exception {
            Set<String> referenced = new TreeSet<>(strings("SELECT original_key FROM uploads WHERE original_key IS NOT NULL"));
            referenced.addAll(strings("SELECT s.blob_key FROM segments s JOIN uploads u ON u.id = s.upload_id WHERE u.original_key IS NULL"
                    + " AND NOT EXISTS (SELECT 1 FROM original_parts p WHERE p.media_id = u.id)"));
            referenced.addAll(strings("SELECT blob_key FROM original_parts"));
            referenced.addAll(strings("SELECT blob_key FROM variants"));
            Set<String> stored = Backend.blobs(server, "uploads").keySet();
            assertThat(diff(stored, referenced)).as("blobs nothing refers to after gc (leaked)").isEmpty();
            assertThat(diff(referenced, stored)).as("referenced blobs that are gone").isEmpty();
            if (!d.keepOriginals())
                assertThat(strings("SELECT DISTINCT CAST(s.upload_id AS VARCHAR(20)) FROM segments s JOIN uploads u ON u.id = s.upload_id"
                        + " WHERE u.state = 'SUCCEEDED' AND u.family IN ('IMAGE', 'VIDEO')"))
                        .as("processed pictures and videos keep no uploaded bytes without --keep-originals").isEmpty();
            assertThat(count("SELECT count(*) FROM jobs WHERE state <> 'DONE'")).as("unfinished jobs").isZero();
        }

        List<String> strings(String sql) throws SQLException {
            List<String> out = new ArrayList<>();
            try (Connection c = Backend.db(server); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }

        long count(String sql) {
            try {
                return Long.parseLong(strings(sql).getFirst());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        Set<String> blobsOf(String id) {
            try {
                return Backend.blobs(server, "uploads/" + id).keySet();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void putBlob(String key) throws IOException {
            byte[] junk = "left by a crash".getBytes(StandardCharsets.UTF_8);
            if (!Backend.CLUSTER) {
                Path p = server.dataDir.resolve("blobs").resolve(key);
                Files.createDirectories(p.getParent());
                Files.write(p, junk);
                return;
            }
            try (var s3 = Backend.s3()) {
                s3.putObject(b -> b.bucket(Backend.name(server.dataDir)).key(key), RequestBody.fromBytes(junk));
            }
        }
    }

    static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    static byte[][] split(byte[] b, int n) {
        byte[][] out = new byte[n][];
        int size = (b.length + n - 1) / n;
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOfRange(b, i * size, Math.min(b.length, (i + 1) * size));
        return out;
    }
}
