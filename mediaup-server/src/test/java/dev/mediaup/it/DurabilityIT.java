package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Acknowledged means durable: kill -9 at awkward moments, restart on the same data dir, nothing acknowledged is lost. */
class DurabilityIT {
    static final int SEG = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void killNineMidUploadAndAfterFinalizeLosesNothingAcknowledged() throws Exception {
        byte[] media = Fixtures.paddedMp4(12 * SEG);
        // the JVM's temp dir, shared with other programs: what a dead server leaves there stays for good
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path othersCopy = Files.writeString(tmp.resolve("sqlite-3.54.1.0-0c0ffee0-another-jvm-libsqlitejdbc.so"), "not ours");
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp),
                "--lease-secs", "3").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("77", "media.write"));
            String id = api.initialize("video/mp4", "tweet_video", media.length);
            for (int i = 0; i < 6; i++) assertThat(api.append(id, i, seg(media, i)).status()).isEqualTo(200);

            // segment 6 is in flight, half sent, when the server dies
            CountDownLatch halfSent = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> inFlight = slowAppend(api, id, 6, seg(media, 6), halfSent);
            assertThat(halfSent.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            server.kill9();
            assertThat(inFlight).failsWithin(Duration.ofSeconds(30));

            server.start();
            JsonNode segs = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
            assertThat(segs).hasSize(6); // every acknowledged segment, and not the torn one
            assertThat(Backend.blobs(server, "uploads/" + id).keySet()).noneMatch(n -> n.contains(".tmp")); // torn write removed
            if (Files.isDirectory(server.dataDir.resolve("spool")))
                try (var spool = Files.list(server.dataDir.resolve("spool"))) {
                    assertThat(spool.toList()).as("the object store's spool holds no torn write").isEmpty();
                }
            for (JsonNode s : segs)
                assertThat(s.get("sha256").asString()).isEqualTo(ProtocolIT.sha256(seg(media, s.get("segment_index").asInt())));

            for (int i = 6; i < 12; i++) assertThat(api.append(id, i, seg(media, i)).status()).isEqualTo(200);
            JsonNode fin = api.finalizeUpload(id).data();
            assertThat(fin.get("processing_info").get("state").asString()).isIn("pending", "in_progress", "succeeded");
            server.kill9(); // the job is queued or half-run: its lease must bring it back after the restart

            server.start();
            JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(60));
            assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
            assertThat(done.get("size").asLong()).isEqualTo(media.length);

            // an image finalized just before the crash is still finalized after it
            byte[] png = Api.png(64, 48);
            String img = api.initialize("image/png", null, png.length);
            api.append(img, 0, png);
            assertThat(api.finalizeUpload(img).data().get("image").get("w").asInt()).isEqualTo(64);
            server.kill9();
            server.start();
            assertThat(api.status(img).data().get("image").get("h").asInt()).isEqualTo(48);

            // three kill -9s: SQLite's native library was loaded from the cache dir each time, never unpacked into the
            // temp dir (where each would have stayed), and another program's file there was not swept away
            try (var left = Files.list(tmp)) {
                assertThat(left.filter(f -> f.getFileName().toString().startsWith("sqlite-"))).containsExactly(othersCopy);
            }
            assertThat(server.log()).doesNotContain("SQLiteJDBCLoader");
        }
    }

    @Test
    void aFullDiskGivesACleanErrorAndCorruptsNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a small tmpfs");
        org.junit.jupiter.api.Assumptions.assumeFalse(Backend.CLUSTER, "a full local disk is a file-store matter");
        Path mnt = Files.createDirectories(dir.resolve("small"));
        ClientCompatIT.run(dir, 30, "mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt.toString());
        try (ServerProcess server = new ServerProcess(mnt.resolve("data"), "--min-free-bytes", "0").start()) {
            Api api = new Api(server.baseUrl(), server.createToken("79", "media.write"));
            String id = api.initialize("video/mp4", "tweet_video", 64L * SEG);
            byte[] media = Fixtures.paddedMp4(4 * SEG);
            for (int i = 0; i < 4; i++) assertThat(api.append(id, i, seg(media, i)).status()).isEqualTo(200);
            Res full = null;
            for (int i = 4; i < 40 && full == null; i++) {
                Res r = api.append(id, i, new byte[SEG]);
                if (r.status() != 200) full = r;
            }
            assertThat(full).isNotNull();
            assertThat(full.status()).as(full.toString()).isEqualTo(507);
            assertThat(full.contentType()).startsWith("application/problem+json");
            JsonNode segs = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
            for (int i = 0; i < 4; i++)
                assertThat(segs.get(i).get("sha256").asString()).isEqualTo(ProtocolIT.sha256(seg(media, i)));
            assertThat(api.get("/healthz").status()).isEqualTo(200);
        } finally {
            ClientCompatIT.run(dir, 30, "umount", "-l", mnt.toString());
        }
    }

    @Test
    void gcRemovesOrphansAndMediaPastRetentionButNothingInUse() throws Exception {
        // orphans are found by age (an hour), which only files let a test fake; the sweep itself is store-neutral
        org.junit.jupiter.api.Assumptions.assumeFalse(Backend.CLUSTER, "object stores do not let a test backdate an object");
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("80", "media.write tweet.read"));
            String open = api.initialize("video/mp4", "tweet_video", 2 * SEG);
            assertThat(api.append(open, 0, new byte[SEG]).status()).isEqualTo(200);
            Path uploadDir = server.dataDir.resolve("blobs/uploads/" + open);
            long twoHoursAgo = System.currentTimeMillis() - 7_200_000;
            Path oldOrphan = Files.write(uploadDir.resolve("sdead01"), new byte[10]);
            Files.setLastModifiedTime(oldOrphan, java.nio.file.attribute.FileTime.fromMillis(twoHoursAgo));
            Path freshOrphan = Files.write(uploadDir.resolve("sdead02"), new byte[10]); // could be an append in flight
            Path ghostDir = Files.createDirectories(server.dataDir.resolve("blobs/uploads/1234567"));
            Path ghost = Files.write(ghostDir.resolve("s1"), new byte[10]);
            Files.setLastModifiedTime(ghost, java.nio.file.attribute.FileTime.fromMillis(twoHoursAgo));

            JsonNode swept = Api.JSON.readTree(server.cli("gc"));
            assertThat(swept.get("orphanBlobs").asInt()).isEqualTo(2);
            assertThat(oldOrphan).doesNotExist();
            assertThat(ghost).doesNotExist();
            assertThat(freshOrphan).exists();
            assertThat(api.get("/2/media/upload/" + open + "/segments").data().get("segments")).hasSize(1);
            assertThat(api.append(open, 1, new byte[SEG]).status()).isEqualTo(200);
            assertThat(api.finalizeUpload(open).status()).isEqualTo(200);

            // retention: media older than the retention period leaves, bytes and all
            Thread.sleep(2_100);
            JsonNode retired = Api.JSON.readTree(server.cli("gc", "--media-retention-secs", "1"));
            assertThat(retired.get("retiredMedia").asInt()).isEqualTo(1);
            assertThat(uploadDir).doesNotExist();
            assertThat(api.status(open).status()).isEqualTo(404);
        }
    }

    static byte[] seg(byte[] media, int i) {
        return Arrays.copyOfRange(media, i * SEG, Math.min(media.length, (i + 1) * SEG));
    }

    /** An append whose body stops halfway until the connection dies. */
    @Test
    void sigtermDrainsAnAppendInFlightBeforeTheServerExits() throws Exception {
        byte[] media = Fixtures.paddedMp4(2 * SEG);
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("81", "media.write"));
            String id = api.initialize("video/mp4", "tweet_video", media.length);
            CountDownLatch halfSent = new CountDownLatch(1), resume = new CountDownLatch(1);
            var inFlight = pausedAppend(api, id, 0, seg(media, 0), halfSent, resume);
            assertThat(halfSent.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // the first half is across
            server.sigterm(); // the node is being stopped while the segment streams in
            // the client pauses longer than Jetty's 1 s shutdown idle timeout: still within --drain-secs
            Thread.sleep(3_000);
            resume.countDown();
            HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200); // acknowledged, so it must be durable
            server.awaitExit(30);
            server.start();
            JsonNode segs = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
            assertThat(segs).hasSize(1);
            assertThat(segs.get(0).get("sha256").asString()).isEqualTo(ProtocolIT.sha256(seg(media, 0)));
        }
    }

    /** An append whose body stops halfway until {@code resume} opens (a minute at most). */
    static CompletableFuture<HttpResponse<String>> pausedAppend(Api api, String id, int index, byte[] bytes, CountDownLatch halfSent,
                                                               CountDownLatch resume) {
        var mp = new Api.Multipart().field("segment_index", Integer.toString(index)).file("media", null, bytes);
        byte[] body = mp.bytes();
        InputStream paused = new InputStream() {
            int pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= body.length) return -1;
                if (pos == body.length / 2) {
                    halfSent.countDown();
                    try {
                        resume.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = Math.min(len, (pos < body.length / 2 ? body.length / 2 : body.length) - pos);
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/2/media/upload/" + id + "/append"))
                .header("Authorization", "Bearer " + api.token).header("Content-Type", mp.contentType())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> paused)).build();
        return HttpClient.newHttpClient().sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    /** An append that stalls halfway (for a minute: the test kills the server meanwhile). */
    static CompletableFuture<HttpResponse<String>> slowAppend(Api api, String id, int index, byte[] bytes, CountDownLatch halfSent) {
        return pausedAppend(api, id, index, bytes, halfSent, new CountDownLatch(1));
    }
}
