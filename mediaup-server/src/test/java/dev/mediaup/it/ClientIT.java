package dev.mediaup.it;

import com.sun.net.httpserver.HttpServer;
import dev.mediaup.client.Media;
import dev.mediaup.client.MediaClient;
import dev.mediaup.client.MediaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java SDK (mediaup-client) against a real server: parallel, resumable, retrying, cancellable, OAuth 1.0a. */
class ClientIT {
    static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    static Path video(Path dir, String name, int size) throws Exception {
        return Files.write(dir.resolve(name), Fixtures.paddedMp4(size));
    }

    @Test
    void uploadsInParallelWithAltTextAndOAuth1() throws Exception {
        // the SDK talks through the validating proxy: every response it gets must be valid by X's document
        try (ContractProxy proxy = new ContractProxy();
             ServerProcess server = new ServerProcess(dir.resolve("data"), "--public-base-url", proxy.baseUrl()).start()) {
            proxy.to(server.baseUrl());
            String token = server.createToken("600", "media.write tweet.read");
            // X's own segments (X's document does not know resumable HTTP's endpoints)
            MediaClient client = MediaClient.builder().baseUrl(proxy.baseUrl()).bearerToken(token).segmentSize(MIB).parallelism(4)
                    .protocol(MediaClient.Protocol.SEGMENTS).build();
            Path png = Files.write(dir.resolve("a.png"), Api.png(64, 32));
            Media img = client.upload(png, "tweet_image");
            assertThat(img.width()).isEqualTo(64);
            client.setAltText(img.id(), "sixty-four");
            assertThat(client.lookup(img.mediaKey(), "alt_text").get("alt_text")).isEqualTo("sixty-four");

            Path mp4 = video(dir, "v.mp4", 20 * MIB + 123);
            long[] seen = new long[1];
            Media v = client.newUpload(mp4, "tweet_video").progress((sent, total) -> seen[0] = Math.max(seen[0], sent)).start().join();
            assertThat(v.succeeded()).isTrue();
            assertThat(v.size()).isEqualTo(Files.size(mp4));
            assertThat(seen[0]).isEqualTo(Files.size(mp4));

            var c = server.oauth1("600");
            MediaClient signed = MediaClient.builder().baseUrl(proxy.baseUrl()).protocol(MediaClient.Protocol.SEGMENTS)
                    .oauth1(c.get("consumer_key"), c.get("consumer_secret"), c.get("oauth_token"), c.get("oauth_token_secret")).build();
            assertThat(signed.upload(png, "tweet_image").height()).isEqualTo(32);
            assertThat(signed.status(img.id()).mediaKey()).isEqualTo(img.mediaKey()); // same user as the bearer token

            MediaException bad = org.assertj.core.api.Assertions.catchThrowableOfType(MediaException.class,
                    () -> MediaClient.builder().baseUrl(proxy.baseUrl()).bearerToken("mu_nope").build().upload(png, "tweet_image"));
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.errorCode()).as("the stable name of the error").isEqualTo("unauthorized");
            assertThat(bad.retryable()).isFalse();
            assertThat(proxy.checked()).as("responses the proxy judged").isGreaterThan(20);
            assertThat(proxy.violations()).as("responses that break X's document").isEmpty();
        }
    }

    @Test
    void streamsAndMultiGibibyteSparseFiles() throws Exception {
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--keep-originals").fullJit().start()) {
            MediaClient client = MediaClient.builder().baseUrl(server.baseUrl()).bearerToken(server.createToken("603", "media.write tweet.read"))
                    .segmentSize(32L * MIB).parallelism(4).protocol(MediaClient.Protocol.SEGMENTS).build();
            // a stream of unknown length: chunked without total_bytes
            byte[] bytes = Fixtures.paddedMp4(3 * MIB + 5);
            Media fromStream = client.upload(new java.io.ByteArrayInputStream(bytes), "video/mp4", MediaClient.MediaCategory.TWEET_VIDEO);
            assertThat(fromStream.size()).isEqualTo(bytes.length);
            // 2 GiB, sparse on disk, through the same parallel path
            Path sparse = dir.resolve("sparse.mp4");
            try (var raf = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
                raf.setLength(2L << 30);
                raf.write(Fixtures.mp4Head(2L << 30)); // a real clip, then a free box over the sparse rest
            }
            Media big = client.upload(sparse, MediaClient.MediaCategory.TWEET_VIDEO);
            assertThat(big.succeeded()).isTrue();
            assertThat(big.size()).isEqualTo(2L << 30);
            assertThat(client.segments(big.id())).hasSize(64); // 2 GiB in the requested 32 MiB segments
        }
    }

    @Test
    void resumesAfterTheServerIsKilledWithoutResendingAcknowledgedSegments() throws Exception {
        Path mp4 = video(dir, "r.mp4", 24 * MIB);
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            String token = server.createToken("601", "media.write tweet.read");
            MediaClient client = MediaClient.builder().baseUrl(server.baseUrl()).bearerToken(token).segmentSize(MIB).parallelism(1).maxRetries(0)
                    .protocol(MediaClient.Protocol.SEGMENTS).build();
            AtomicInteger acked = new AtomicInteger();
            var upload = client.newUpload(mp4, "tweet_video").progress((sent, total) -> {
                if (acked.incrementAndGet() == 10) {
                    try {
                        server.kill9();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            assertThatThrownBy(() -> upload.start().join()).isInstanceOf(MediaException.class);
            String id = upload.id();
            server.start();
            int present = client.segments(id).size();
            assertThat(present).isGreaterThanOrEqualTo(10);
            Media done = client.resume(id, mp4);
            assertThat(done.succeeded()).isTrue();
            assertThat(done.size()).isEqualTo(24L * MIB);
            // counted server-side: the restarted server received exactly the segments it lacked
            String metrics = new Api(server.baseUrl(), null).get("/metrics").text();
            double appended = metrics.lines().filter(l -> l.startsWith("mediaup_segments_appended_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat((long) appended).isEqualTo(24 - present);
        }
    }

    /**
     * The default protocol against mediaup is resumable HTTP (offered in OPTIONS): one stream; the server killed -9 when
     * 20 of 24 MiB were sent; the client, retrying, asks where the upload stands once the server is back and sends only
     * what was not yet durable — the first 16 MiB piece was.
     */
    @Test
    void resumableHttpWhereOfferedResumesByItselfAfterTheServerIsKilled() throws Exception {
        Path mp4 = video(dir, "rufh.mp4", 24 * MIB);
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            String token = server.createToken("604", "media.write tweet.read");
            MediaClient client = MediaClient.builder().baseUrl(server.baseUrl()).bearerToken(token).maxRetries(12).build();
            Api api = new Api(server.baseUrl(), token);
            var killed = new java.util.concurrent.CountDownLatch(1);
            var afterKill = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            var holder = new java.util.concurrent.atomic.AtomicReference<MediaClient.Upload>();
            var upload = client.newUpload(mp4, "tweet_video").progress((sent, total) -> {
                if (killed.getCount() == 0) afterKill.accumulateAndGet(sent, Math::min); // the lowest after the kill: where it resumed
                else if (sent >= 20 * MIB) {
                    try {
                        // the sending thread waits here until the server has the first 16 MiB piece durable (the segments
                        // listing, not HEAD: asking where the upload stands would end this very transfer)
                        for (int i = 0; i < 300 && api.get("/2/media/upload/" + holder.get().id() + "/segments").data()
                                .get("segments").isEmpty(); i++) Thread.sleep(100);
                        server.kill9();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    killed.countDown();
                }
            });
            holder.set(upload);
            upload.start();
            assertThat(killed.await(60, TimeUnit.SECONDS)).isTrue();
            server.start();
            Media done = upload.join();
            assertThat(done.succeeded()).isTrue();
            assertThat(done.size()).isEqualTo(24L * MIB);
            assertThat(upload.id()).isEqualTo(done.id());
            assertThat(afterKill.get()).as("resumed after the durable first piece, not from 0").isEqualTo(16L * MIB);
        }
    }

    @Test
    void retriesThrough503And429AndCanBeCancelled() throws Exception {
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            String token = server.createToken("602", "media.write tweet.read");
            // a tiny proxy that answers the first appends with 503, then one 429, then lets everything through
            AtomicInteger appends = new AtomicInteger();
            HttpClient forward = HttpClient.newHttpClient();
            HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            proxy.createContext("/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                String path = ex.getRequestURI().toString();
                int n = path.endsWith("/append") ? appends.incrementAndGet() : 0;
                if (n == 1 || n == 2 || n == 4) {
                    if (n == 4) ex.getResponseHeaders().add("Retry-After", "1");
                    ex.sendResponseHeaders(n == 4 ? 429 : 503, -1);
                    ex.close();
                    return;
                }
                try {
                    var b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).method(ex.getRequestMethod(),
                            body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                    ex.getRequestHeaders().forEach((k, v) -> {
                        if (!k.equalsIgnoreCase("Host") && !k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Connection")) v.forEach(x -> b.header(k, x));
                    });
                    HttpResponse<byte[]> r = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    r.headers().firstValue("content-type").ifPresent(ct -> ex.getResponseHeaders().add("Content-Type", ct));
                    ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                    ex.getResponseBody().write(r.body());
                } catch (InterruptedException e) {
                    ex.sendResponseHeaders(502, -1);
                }
                ex.close();
            });
            proxy.start();
            try {
                MediaClient client = MediaClient.builder().baseUrl("http://127.0.0.1:" + proxy.getAddress().getPort()).bearerToken(token)
                        .segmentSize(MIB).parallelism(2).protocol(MediaClient.Protocol.SEGMENTS).build();
                Path mp4 = video(dir, "p.mp4", 6 * MIB);
                long t0 = System.nanoTime();
                Media m = client.upload(mp4, "tweet_video");
                assertThat(m.succeeded()).isTrue();
                assertThat(appends.get()).isEqualTo(6 + 3);
                assertThat(System.nanoTime() - t0).as("waited for Retry-After").isGreaterThan(900_000_000L);

                // cancellation: stop after the first acknowledged segment; what was acknowledged stays
                MediaClient direct = MediaClient.builder().baseUrl(server.baseUrl()).bearerToken(token).segmentSize(MIB).parallelism(1)
                        .protocol(MediaClient.Protocol.SEGMENTS).build();
                Path big = video(dir, "c.mp4", 30 * MIB);
                var upload = direct.newUpload(big, "tweet_video");
                upload.progress((sent, total) -> upload.cancel());
                assertThatThrownBy(upload::join).isInstanceOf(CancellationException.class);
                assertThat(direct.segments(upload.id()).size()).isBetween(1, 3);
            } finally {
                proxy.stop(0);
            }
        }
    }
}
