package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream, never buffer: a 4 GiB upload (32 MiB segments, multipart, chunked transfer encoding, two at a time) and a
 * 32 MiB base64 JSON segment, through a server whose heap is capped at 256 MiB, its resident memory at most 300 MB
 * throughout (bench/big does the same with 16 GiB). On PostgreSQL + S3, 1 GiB: every body there is spooled and PUT
 * one at a time per stream, so the first GiB reaches the peak the rest would, and s3proxy's own disk writes made the
 * 4 GiB run the suite's slowest test (107 s).
 */
class BigUploadIT {
    static final int SEG = 32 << 20;
    static final int SEGMENTS = Backend.CLUSTER ? 32 : 128; // 1 GiB, 4 GiB
    static final byte[] BLOCK = new byte[1 << 20];

    static {
        new Random(42).nextBytes(BLOCK);
    }

    @TempDir
    Path dir;

    @Test
    void gibibytesThroughA256MiBHeap() throws Exception {
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), List.of("-Xmx256m")).fullJit().start()) {
            Api api = new Api(server.baseUrl(), server.createToken("99", "media.write"));
            // the process's resident memory, sampled every 200 ms from the first append to the end of processing
            AtomicLong peakRss = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(rss(server.pid()), Math::max), 0, 200, TimeUnit.MILLISECONDS);
            long total = (long) SEG * SEGMENTS;
            long started = System.nanoTime();
            String id = api.initialize("video/mp4", "tweet_video", total);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Map<Integer, String> sent = new ConcurrentHashMap<>();
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < SEGMENTS; i++) {
                int idx = i;
                results.add(pool.submit(() -> {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    String boundary = "b" + idx;
                    InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
                            new ByteArrayInputStream(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n" + idx
                                    + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                            new DigestInputStream(segment(idx), sha),
                            new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8)))));
                    HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/2/media/upload/" + id + "/append"))
                            .header("Authorization", "Bearer " + api.token).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
                    int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    sent.put(idx, HexFormat.of().formatHex(sha.digest()));
                    return status;
                }));
            }
            for (Future<Integer> f : results) assertThat(f.get(10, TimeUnit.MINUTES)).isEqualTo(200);
            pool.shutdown();
            System.out.printf("BIG %s: %d MiB appended in %.1f s (%.0f MiB/s), peak RSS so far %d MB%n",
                    Backend.CLUSTER ? "PostgreSQL+S3" : "SQLite+files", total >> 20, (System.nanoTime() - started) / 1e9,
                    (total >> 20) / ((System.nanoTime() - started) / 1e9), peakRss.get() / 1_000_000);

            JsonNode segs = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
            assertThat(segs).hasSize(SEGMENTS);
            for (JsonNode s : segs) {
                assertThat(s.get("size").asLong()).isEqualTo(SEG);
                assertThat(s.get("sha256").asString()).isEqualTo(sent.get(s.get("segment_index").asInt()));
            }
            long t0 = System.nanoTime();
            JsonNode fin = api.finalizeUpload(id).data();
            // on files FINALIZE is O(1) (a manifest of the segments); on S3 the store copies them into one object server-side
            // (UploadPartCopy through s3proxy's disk here), so mediaup streams nothing but the bound must allow the copy
            Duration finalizeBound = Backend.CLUSTER ? Duration.ofSeconds(60) : Duration.ofSeconds(5);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("finalize does not stream the bytes again").isLessThan(finalizeBound);
            assertThat(fin.get("size").asLong()).isEqualTo(total);
            assertThat(api.awaitProcessed(id, Duration.ofMinutes(5)).get("processing_info").get("state").asString()).isEqualTo("succeeded");
            sampler.shutdownNow();
            System.out.printf("BIG %s: peak RSS %d MB (appends and processing)%n", Backend.CLUSTER ? "PostgreSQL+S3" : "SQLite+files",
                    peakRss.get() / 1_000_000);
            // the files + SQLite default within 300 MB; on S3 the spool, the SDK and the PostgreSQL driver come on top
            // (measured 231–237 MB with the launchers' GCTimeRatio=4, 233–317 MB without; 436–448 MB when the spool held
            // 16 MiB of each body in memory, which this bound catches)
            long bound = Backend.CLUSTER ? 380_000_000L : 300_000_000L;
            assertThat(peakRss.get()).as("peak RSS with -Xmx256m, bytes").isPositive().isLessThanOrEqualTo(bound);

            // one 32 MiB segment as base64 JSON (about 43 MB of text), decoded while it streams
            byte[] raw = segment(7).readAllBytes();
            String id2 = api.initialize("video/mp4", "tweet_video", raw.length);
            Api.Res r = api.postJson("/2/media/upload/" + id2 + "/append", "{\"segment_index\":0,\"media\":\"" + Base64.getEncoder().encodeToString(raw) + "\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(api.get("/2/media/upload/" + id2 + "/segments").data().get("segments").get(0).get("sha256").asString())
                    .isEqualTo(ProtocolIT.sha256(raw));
            assertThat(server.log()).doesNotContain("OutOfMemoryError");
        }
    }

    /** VmRSS of a process, in bytes (0 once it is gone). */
    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** The upload starts with a real clip whose padding box covers all its bytes, so it really processes. */
    static final byte[] HEAD = Fixtures.mp4Head((long) SEG * SEGMENTS);

    /** 32 MiB of deterministic bytes for segment i, generated on the fly (never held whole by the test either). */
    static InputStream segment(int i) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= SEG) return -1;
                int inBlock = (int) (pos % BLOCK.length);
                int n = (int) Math.min(Math.min(len, BLOCK.length - inBlock), SEG - pos);
                System.arraycopy(BLOCK, inBlock, b, off, n);
                if (inBlock == 0 && n >= 4 && !(i == 0 && pos == 0)) b[off] = (byte) i; // segments differ
                if (i == 0 && pos < HEAD.length) // segment 0 opens with the clip and its padding box
                    System.arraycopy(HEAD, (int) pos, b, off, (int) Math.min(n, HEAD.length - pos));
                pos += n;
                return n;
            }
        };
    }
}
