package dev.mediaup.it;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Malware scanning against a real clamd — Debian's clamav-daemon, which {@code bin/setup --test} installs — started here
 * with a signature database the test makes itself ({@code sigtool} over the EICAR test string: the public databases
 * cannot be downloaded here). The EICAR string rides in media that is otherwise valid: after a PNG's end, in an MP4's
 * free box. On the cluster backend (PostgreSQL + S3: the verdicts, the outbox, bytes streamed from the bucket) the
 * infected-media case runs again.
 */
class ScanIT {
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    static final String SIGNATURE = "Mediaup-Test.EICAR";

    @TempDir
    static Path dir;
    static Process clamd;

    @BeforeAll
    static void signatures() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Process hex = new ProcessBuilder("/usr/bin/sigtool", "--hex-dump").start();
        try (OutputStream in = hex.getOutputStream()) {
            in.write(EICAR.getBytes(StandardCharsets.US_ASCII));
        }
        String dump = new String(hex.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(hex.waitFor()).isZero();
        Files.writeString(db.resolve("mediaup-test.ndb"), SIGNATURE + ":0:*:" + dump + "\n"); // any file, anywhere in it
    }

    /** clamd on a Unix socket at {@code socket}, once it answers. */
    static Process startClamd(Path socket) throws Exception {
        String name = socket.getFileName().toString();
        Path conf = dir.resolve(name + ".conf"), log = dir.resolve(name + ".log"); // one log each: clamd locks its own
        Files.writeString(conf, String.join("\n", "LocalSocket " + socket, "DatabaseDirectory " + dir.resolve("db"), "Foreground yes",
                "LogFile " + log, "StreamMaxLength 200M", "TemporaryDirectory " + dir, ""));
        Process p = new ProcessBuilder("/usr/sbin/clamd", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            assertThat(p.isAlive()).as("clamd runs: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            assertThat(System.nanoTime()).as("clamd listens within a minute").isLessThan(deadline);
            Thread.sleep(100);
        }
        return p;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (clamd != null) {
            clamd.destroy();
            clamd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void infectedMediaFailsNamingTheSignatureKeepsNothingAndIsReportedRejected() throws Exception {
        Path socket = dir.resolve("a.sock");
        clamd = startClamd(socket);
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            events.add(Api.JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--scan", "clamd:unix:" + socket, "--webhook-url",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "--webhook-secret", "s").start()) {
            Api alice = new Api(server.baseUrl(), server.createToken("4001", "media.write media.read tweet.read"));
            Api bob = new Api(server.baseUrl(), server.createToken("4002", "media.write media.read tweet.read"));
            byte[] png = Api.png(320, 240);
            assertThat(state(alice, RepeatsIT.upload(alice, png, "image/png", "tweet_image"))).isEqualTo("succeeded");
            assertThat(scans(server, "clean")).isEqualTo(1);
            assertThat(state(bob, RepeatsIT.upload(bob, png, "image/png", "tweet_image"))).isEqualTo("succeeded");
            assertThat(scans(server, "clean")).as("the same bytes: the clean verdict is remembered").isEqualTo(1);

            byte[] bad = concat(png, EICAR.getBytes(StandardCharsets.US_ASCII)); // still a PNG: bytes after IEND are ignored
            String id = RepeatsIT.upload(alice, bad, "image/png", "tweet_image");
            assertThat(state(alice, id)).isEqualTo("failed");
            JsonNode why = alice.status(id).json().get("errors").get(0);
            assertThat(why.get("title").asString()).isEqualTo("InvalidMedia");
            assertThat(why.get("detail").asString()).contains(SIGNATURE);
            assertThat(Backend.blobs(server, "uploads/" + id)).as("nothing of it kept").isEmpty();

            byte[] mp4 = Fixtures.tinyMp4();
            byte[] clip = Fixtures.withFreeBox(mp4, mp4.length + 200);
            System.arraycopy(EICAR.getBytes(StandardCharsets.US_ASCII), 0, clip, mp4.length + 8, EICAR.length());
            String video = RepeatsIT.upload(alice, clip, "video/mp4", "tweet_video");
            assertThat(alice.awaitProcessed(video, Duration.ofSeconds(60)).get("processing_info").get("state").asString()).isEqualTo("failed");
            assertThat(alice.status(video).json().get("errors").get(0).get("detail").asString()).contains(SIGNATURE);
            assertThat(Backend.blobs(server, "uploads/" + video)).isEmpty();
            assertThat(scans(server, "infected")).isEqualTo(2);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.stream().filter(e -> e.get("event").asString().equals("media.rejected")).count() < 2) {
                assertThat(System.nanoTime()).as("webhooks: %s", events).isLessThan(deadline);
                Thread.sleep(100);
            }
            for (JsonNode e : events)
                if (e.get("event").asString().equals("media.rejected"))
                    assertThat(e.get("data").get("processing_info").get("state").asString()).isEqualTo("failed");
            assertThat(events.stream().map(e -> e.get("data").get("id").asString() + " " + e.get("event").asString()))
                    .contains(id + " media.rejected", video + " media.rejected").doesNotContain(id + " media.failed");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aScannerThatIsDownOrAnswersGarbageIsNeverTakenForClean() throws Exception {
        assumeFalse(Backend.CLUSTER, "the scanner's side: the same code on every backend");
        try (ServerSocket garbage = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!garbage.isClosed()) {
                    try (Socket s = garbage.accept(); InputStream in = s.getInputStream()) {
                        while (in.read() > 0) { } // the command, up to its NUL
                        s.getOutputStream().write("HELLO\0".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        // the next one
                    }
                }
            });
            try (ServerProcess server = new ServerProcess(dir.resolve("garbage"), "--scan", "clamd:tcp:127.0.0.1:" + garbage.getLocalPort())
                    .start()) {
                Api api = new Api(server.baseUrl(), server.createToken("4011", "media.write media.read"));
                assertReadyzSaysScannerDown(api);
                String id = api.initialize("image/png", "tweet_image", Api.png(64, 64).length);
                assertThat(api.append(id, 0, Api.png(64, 64)).status()).isEqualTo(200);
                Api.Res r = api.finalizeUpload(id);
                assertThat(r.status()).as("%s", r).isEqualTo(503);
                assertThat(r.json().get("detail").asString()).contains("clamd");
            }
        }

        Path socket = dir.resolve("later.sock");
        try (ServerProcess server = new ServerProcess(dir.resolve("down"), "--scan", "clamd:unix:" + socket).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("4012", "media.write media.read"));
            assertReadyzSaysScannerDown(api);
            byte[] png = Api.png(96, 64);
            String picture = api.initialize("image/png", "tweet_image", png.length);
            assertThat(api.append(picture, 0, png).status()).isEqualTo(200);
            assertThat(api.finalizeUpload(picture).status()).as("no scanner: no answer yet, and nothing changed").isEqualTo(503);
            String video = RepeatsIT.upload(api, Fixtures.tinyMp4(), "video/mp4", "tweet_video");
            Thread.sleep(2_000);
            assertThat(api.status(video).data().get("processing_info").get("state").asString()).as("the job waits")
                    .isIn("pending", "in_progress");

            Process up = startClamd(socket);
            try {
                assertThat(api.finalizeUpload(picture).status()).as("FINALIZE again, once clamd is up").isEqualTo(200);
                assertThat(api.awaitProcessed(video, Duration.ofSeconds(60)).get("processing_info").get("state").asString())
                        .isEqualTo("succeeded");
                assertThat(api.as(null).get("/readyz").json().get("checks").get("scanner").asString()).isEqualTo("up");
            } finally {
                up.destroy();
                up.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static void assertReadyzSaysScannerDown(Api api) {
        Api.Res ready = api.as(null).get("/readyz");
        assertThat(ready.status()).as("uploads still taken: degraded, not out of rotation").isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("degraded");
        assertThat(ready.json().get("checks").get("scanner").asString()).isEqualTo("down");
    }

    static String state(Api api, String id) {
        JsonNode pi = api.status(id).data().get("processing_info");
        return pi == null ? "succeeded" : pi.get("state").asString();
    }

    static double scans(ServerProcess server, String verdict) {
        return server.counter("mediaup_scans_seconds_count", "verdict=\"" + verdict + "\"");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

}
