package dev.mediaup.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's behaviour on its own, against a scripted endpoint that answers as X does and fails on cue: what it
 * sends, and how it rides out 5xx, 429 and a refusal. (ClientIT runs it against the real server.)
 */
class MediaClientTest {
    private HttpServer server;
    /** Requests seen: "METHOD path?query content-type". */
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    /** Answers to give, in order, before the scripted default: status and body (and a Retry-After when asked). */
    private final Deque<int[]> failures = new ArrayDeque<>();
    private volatile int statusPolls;
    private volatile long appendedBytes;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath(), query = x.getRequestURI().getQuery();
        seen.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query) + " " + x.getRequestHeaders().getFirst("Content-Type"));
        byte[] body = x.getRequestBody().readAllBytes();
        if (x.getRequestMethod().equals("OPTIONS")) { // as X: no resumable uploads offered (no Upload-Limit)
            send(x, 405, "{\"title\":\"Method Not Allowed\",\"detail\":\"no\",\"status\":405}");
            return;
        }
        int[] failure;
        synchronized (failures) {
            failure = failures.poll();
        }
        if (failure != null) {
            if (failure[1] > 0) x.getResponseHeaders().add("Retry-After", Integer.toString(failure[1]));
            send(x, failure[0], "{\"title\":\"Service Unavailable\",\"detail\":\"try later\",\"type\":\"about:blank\",\"status\":"
                    + failure[0] + "}");
            return;
        }
        if (!"Bearer tok".equals(x.getRequestHeaders().getFirst("Authorization"))) {
            send(x, 401, "{\"title\":\"Unauthorized\",\"detail\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401}");
            return;
        }
        switch (path) {
            case "/2/media/upload/initialize" -> send(x, 200, "{\"data\":{\"id\":\"77\",\"media_key\":\"7_77\",\"expires_after_secs\":86400}}");
            case "/2/media/upload/77/append" -> {
                appendedBytes += body.length;
                send(x, 200, "{\"data\":{\"expires_at\":1800000000}}");
            }
            case "/2/media/upload/77/finalize" -> send(x, 200, "{\"data\":{\"id\":\"77\",\"media_key\":\"7_77\",\"size\":"
                    + "1000,\"processing_info\":{\"state\":\"pending\",\"check_after_secs\":1}}}");
            case "/2/media/upload" -> send(x, 200, ++statusPolls < 2
                    ? "{\"data\":{\"id\":\"77\",\"media_key\":\"7_77\",\"processing_info\":{\"state\":\"in_progress\",\"check_after_secs\":1,"
                    + "\"progress_percent\":50}}}"
                    : "{\"data\":{\"id\":\"77\",\"media_key\":\"7_77\",\"size\":1000,\"processing_info\":{\"state\":\"succeeded\","
                    + "\"progress_percent\":100},\"video\":{\"video_type\":\"video/mp4\"}}}");
            case "/2/media/metadata" -> send(x, 400, "{\"title\":\"Invalid Request\",\"detail\":\"alt_text.text must be a string of at "
                    + "most 1000 characters.\",\"type\":\"https://api.x.com/2/problems/invalid-request\",\"status\":400,"
                    + "\"parameter\":\"alt_text\"}");
            default -> send(x, 404, "{\"title\":\"Not Found Error\",\"detail\":\"no\",\"status\":404}");
        }
    }

    private static void send(HttpExchange x, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private MediaClient client() {
        return MediaClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).bearerToken("tok").segmentSize(300)
                .parallelism(2).maxRetries(3).build();
    }

    private Path video() throws IOException {
        byte[] b = new byte[1000];
        new Random(1).nextBytes(b);
        return Files.write(dir.resolve("clip.mp4"), b);
    }

    @Test
    void aVideoGoesInitializeAppendsFinalizeThenStatusUntilItSucceeds() throws IOException {
        Media m = client().upload(video(), MediaClient.MediaCategory.TWEET_VIDEO);
        assertThat(m.succeeded()).isTrue();
        assertThat(m.mediaKey()).isEqualTo("7_77");
        assertThat(seen.get(0)).as("asked whether resumable HTTP is offered: it is not").startsWith("OPTIONS /2/media/upload?media_category=tweet_video");
        assertThat(seen.get(1)).startsWith("POST /2/media/upload/initialize application/json");
        assertThat(seen.stream().filter(s -> s.startsWith("POST /2/media/upload/77/append multipart/form-data; boundary="))).hasSize(4);
        assertThat(appendedBytes).isGreaterThan(1000); // the four segments (300+300+300+100) and their multipart framing
        assertThat(seen).contains("POST /2/media/upload/77/finalize null");
        assertThat(seen.get(seen.size() - 1)).startsWith("GET /2/media/upload?command=STATUS&media_id=77");
        assertThat(statusPolls).isEqualTo(2);
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedHonouringRetryAfter() throws IOException {
        synchronized (failures) {
            failures.add(new int[]{503, 0});
            failures.add(new int[]{429, 1});
        }
        long t0 = System.nanoTime();
        Media m = client().upload(video(), MediaClient.MediaCategory.TWEET_VIDEO);
        assertThat(m.succeeded()).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited the Retry-After second").isGreaterThanOrEqualTo(1000);
        assertThat(seen.stream().filter(s -> s.startsWith("POST /2/media/upload/initialize"))).hasSize(3);
    }

    @Test
    void aRefusalIsNotRetriedAndCarriesXsProblem() {
        MediaClient c = client();
        assertThatThrownBy(() -> c.setAltText("77", "x".repeat(1001))).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.retryable()).isFalse();
            assertThat(e.parameter()).isEqualTo("alt_text");
            assertThat(e.detail()).contains("1000 characters");
        });
        assertThat(seen).hasSize(1);
    }

    @Test
    void givingUpAfterTheRetriesSaysWhatFailedLast() {
        synchronized (failures) {
            for (int i = 0; i < 4; i++) failures.add(new int[]{503, 0});
        }
        MediaClient c = client();
        assertThatThrownBy(() -> c.status("77")).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("503").contains("try later");
        });
        assertThat(seen).hasSize(4); // the first try and three retries
    }
}
