package dev.mediaup.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The job queue under crashes, timeouts and poison jobs, and the webhook outbox across a kill -9. */
class ProcessingDurabilityIT {
    @TempDir
    Path dir;

    static String start(Api api, String type, byte[] bytes) {
        String id = api.initialize(type, null, bytes.length);
        assertThat(api.append(id, 0, bytes).status()).isEqualTo(200);
        assertThat(api.finalizeUpload(id).status()).isEqualTo(200);
        return id;
    }

    @Test
    void killNineMidTranscodeAndTheJobCompletesCorrectlyAfterRestart() throws Exception {
        byte[] clip = Fixtures.mp4(10, 854, 480); // three renditions (480p, 360p, 270p), as ClusterIT's: a fifth of 720p20's encoding
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--lease-secs", "3", "--max-duration-secs", "tweet_video=60").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("801", "media.write tweet.read"));
            String id = start(api, "video/mp4", clip);
            List<Integer> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (seen.isEmpty() || seen.getLast() < 10) {
                JsonNode pi = api.status(id).data().get("processing_info");
                assertThat(pi.get("state").asString()).isIn("pending", "in_progress");
                assertThat(pi.get("check_after_secs").asInt()).isBetween(1, 30);
                if (pi.get("state").asString().equals("in_progress")) seen.add(pi.get("progress_percent").asInt());
                assertThat(System.nanoTime()).as("transcoding makes progress").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(seen).isSorted(); // real progress only moves forward
            server.kill9(); // mid-transcode: ffmpeg's renditions are half written in scratch, nothing recorded yet

            server.start();
            JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(240));
            assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
            JsonNode m = api.get("/2/media/7_" + id + "?media.fields=variants,duration_ms").data();
            assertThat(m.get("duration_ms").asLong()).isBetween(9_500L, 10_500L);
            assertThat(m.get("variants")).hasSize(4); // three MP4 renditions and the HLS playlist
            for (double total : ProcessingIT.hlsSeconds(api.as(null), server.baseUrl(), m.get("variants").get(3).get("url").asString()).values())
                assertThat(total).as("complete HLS renditions").isBetween(9.5, 10.5);
            for (JsonNode v : m.get("variants")) {
                if (!v.get("content_type").asString().equals("video/mp4")) continue;
                byte[] bytes = api.as(null).get(v.get("url").asString().substring(server.baseUrl().length())).body();
                JsonNode probe = new dev.mediaup.processing.Ffmpeg(null, dev.mediaup.processing.Ffmpeg.Limits.defaults())
                        .probe("mov", Files.write(dir.resolve("v.mp4"), bytes).toString(), List.of(), dir);
                assertThat(Double.parseDouble(probe.get("format").get("duration").asString())).as("a complete rendition").isBetween(9.5, 10.5);
            }
            try (var left = Files.list(server.dataDir.resolve("scratch"))) {
                assertThat(left.toList()).as("the killed run's scratch files are gone").isEmpty();
            }
        }
    }

    @Test
    void aRunThatExceedsItsTimeLimitIsKilledAndTheMediaFails() throws Exception {
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--ffmpeg-timeout-secs", "1").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("802", "media.write"));
            String id = start(api, "video/mp4", Fixtures.mp4(10, 1280, 720)); // seconds of work, against a 1 s limit
            long t0 = System.nanoTime();
            JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(60));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            JsonNode pi = done.get("processing_info");
            assertThat(pi.get("state").asString()).isEqualTo("failed");
            assertThat(api.status(id).json().get("errors").get(0).get("detail").asString()).contains("longer than 1 s");
            assertThat(ProcessHandle.of(server.pid()).orElseThrow().descendants().filter(p -> p.info().command().orElse("").contains("ffmpeg")).count())
                    .as("no ffmpeg left running").isZero();
        }
    }

    @Test
    void aJobThatKeepsFailingFailsForGoodAfterItsAttemptsWithItsReason() throws Exception {
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--workers", "1", "--max-job-attempts", "2").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("803", "media.write"));
            String busy = start(api, "video/mp4", Fixtures.mp4(10, 854, 480)); // keeps the one worker busy for seconds
            byte[] clip = Fixtures.tinyMp4();
            String id = start(api, "video/mp4", clip);
            // its bytes vanish from under the queue (a disk fault): each attempt fails, retried, then fails for good
            Backend.deleteBlobs(server, "uploads/" + id);
            JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(120));
            JsonNode pi = done.get("processing_info");
            assertThat(pi.get("state").asString()).isEqualTo("failed");
            JsonNode why = api.status(id).json().get("errors").get(0);
            assertThat(why.get("title").asString()).isEqualTo("InternalError");
            assertThat(why.get("type").asString()).isEqualTo("https://api.x.com/2/problems/internal-error");
            assertThat(why.get("detail").asString()).contains("after 2 attempts").contains("missing");
            assertThat(api.awaitProcessed(busy, Duration.ofSeconds(120)).get("processing_info").get("state").asString()).isEqualTo("succeeded");
        }
    }

    @Test
    void aConfiguredFfmpegThatDoesNotRunStopsTheServerAtStartupWithAClearMessage() throws Exception {
        Process p = new ProcessBuilder(ServerProcess.java(), "-jar", ServerProcess.jar().toString(), "serve", "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--ffmpeg", "/nonexistent/ffmpeg").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isNotZero();
        assertThat(out).contains("/nonexistent/ffmpeg").doesNotContain("\tat ");
    }

    @Test
    void webhooksAreSignedAndDeliveredAtLeastOnceAcrossAKillNine() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        AtomicInteger refuse = new AtomicInteger(1); // the receiver is down for the first delivery
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("body", body, "ts", ex.getRequestHeaders().getFirst("X-Mediaup-Timestamp"),
                    "sig", ex.getRequestHeaders().getFirst("X-Mediaup-Signature"), "id", ex.getRequestHeaders().getFirst("X-Mediaup-Delivery")));
            int status = refuse.getAndDecrement() > 0 ? 500 : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--webhook-url", url, "--webhook-secret", "s3cret").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("804", "media.write"));
            String ok = start(api, "image/png", Api.png(64, 64));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(1500); // the failed attempt is recorded; its retry is due in 5 s
            server.kill9();
            server.start();
            String bad = start(api, "text/srt", "1\nnot a timing\n".getBytes(StandardCharsets.UTF_8));
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.stream().map(r -> r.get("id")).distinct().count() < 2 || received.size() < 3) {
                assertThat(System.nanoTime()).as("received: %s", received).isLessThan(deadline);
                Thread.sleep(100);
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (Map<String, String> r : received) {
                String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal((r.get("ts") + "." + r.get("body")).getBytes(StandardCharsets.UTF_8)));
                assertThat(r.get("sig")).isEqualTo(expected);
            }
            JsonNode first = Api.JSON.readTree(received.get(0).get("body"));
            assertThat(first.get("event").asString()).isEqualTo("media.succeeded");
            assertThat(first.get("data").get("media_key").asString()).isEqualTo("3_" + ok);
            assertThat(received.stream().filter(r -> r.get("id").equals(ok + ".succeeded")).count()).as("retried after the crash").isGreaterThanOrEqualTo(2);
            JsonNode failed = received.stream().filter(r -> r.get("id").equals(bad + ".failed")).map(r -> Api.JSON.readTree(r.get("body"))).findFirst().orElseThrow();
            assertThat(failed.get("data").get("processing_info").get("error").get("message").asString()).contains("Line 2");
        } finally {
            receiver.stop(0);
        }
    }
}
