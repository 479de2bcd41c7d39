package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live status without polling: STATUS as Server-Sent Events and as a long poll ({@code wait_secs}), on one
 * node of each backend; {@link ClusterIT} checks that a node not running the job learns of it too.
 */
class LiveStatusIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data")).start();
        api = new Api(server.baseUrl(), server.createToken("8100", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One received event: when, its id and its STATUS object. */
    record Event(long atNanos, String id, JsonNode status) {}

    /** Reads an event stream to its end; the response's status and type, and the events. */
    record Events(int status, String contentType, List<Event> events) {}

    static Events events(String base, String token, String id, String lastEventId) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(base + "/2/media/upload/" + id + "/events")).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpResponse<Stream<String>> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        List<Event> out = new ArrayList<>();
        String evId = null, data = null;
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.startsWith("id: ")) evId = line.substring(4);
            else if (line.startsWith("data: ")) data = line.substring(6);
            else if (line.isEmpty() && data != null) {
                out.add(new Event(System.nanoTime(), evId, Api.JSON.readTree(data)));
                evId = null;
                data = null;
            }
        }
        return new Events(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), out);
    }

    static String state(JsonNode status) {
        JsonNode pi = status.get("data").get("processing_info");
        return pi == null ? "succeeded" : pi.get("state").asString();
    }

    static String finalizedVideo(Api api, int secs) {
        byte[] mp4 = Fixtures.mp4(secs, 320, 240);
        String id = api.initialize("video/mp4", "tweet_video", mp4.length);
        api.append(id, 0, mp4);
        assertThat(api.finalizeUpload(id).status()).isEqualTo(200);
        return id;
    }

    @Test
    void theEventStreamFollowsProcessingToTheEndAndResumes() throws Exception {
        String id = finalizedVideo(api, 3);
        // a tight STATUS poller marks when the database says succeeded; the stream's event is measured against it
        AtomicLong polledDone = new AtomicLong();
        Thread poller = Thread.ofVirtual().start(() -> {
            while (polledDone.get() == 0) {
                if (state(api.status(id).json()).equals("succeeded")) polledDone.set(System.nanoTime());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Events s = events(server.baseUrl(), api.token, id, null);
        poller.join(30_000);
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).startsWith("text/event-stream");
        assertThat(s.events()).isNotEmpty();
        List<String> states = s.events().stream().map(e -> state(e.status())).toList();
        assertThat(states.getLast()).as(states.toString()).isEqualTo("succeeded");
        assertThat(states.getFirst()).as(states.toString()).isIn("pending", "in_progress", "succeeded");
        assertThat(s.events().stream().map(Event::id).distinct().count()).as("each event says something new").isEqualTo(s.events().size());
        Event last = s.events().getLast();
        assertThat(last.status().get("data").get("media_key").asString()).isEqualTo("7_" + id);
        assertThat(last.id()).isEqualTo("succeeded-100");
        System.out.printf("LIVE one node: %d events %s; succeeded event %.0f ms after a 10 ms STATUS poller saw it%n", s.events().size(),
                states, (last.atNanos() - polledDone.get()) / 1e6);

        // resuming: nothing new after the last event (the stream ends at once), the current state after an older one
        long t0 = System.nanoTime();
        assertThat(events(server.baseUrl(), api.token, id, "succeeded-100").events()).isEmpty();
        assertThat(System.nanoTime() - t0).as("at once, not after the wait").isLessThan(Duration.ofSeconds(10).toNanos());
        List<Event> resumed = events(server.baseUrl(), api.token, id, "pending-0").events();
        assertThat(resumed).hasSize(1);
        assertThat(resumed.getFirst().id()).isEqualTo("succeeded-100");

        // someone else's upload, or none: a JSON 404 and no stream
        String other = new Api(server.baseUrl(), server.createToken("8200", "media.write")).token;
        Events foreign = events(server.baseUrl(), other, id, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aLongPollAnswersWhenTheStateMovesAndAtOnceWhenSettled() throws Exception {
        String id = finalizedVideo(api, 3);
        String before = state(api.status(id).json());
        long t0 = System.nanoTime();
        Res r = api.get("/2/media/upload?command=STATUS&media_id=" + id + "&wait_secs=30");
        long waited = System.nanoTime() - t0;
        assertThat(r.status()).isEqualTo(200);
        assertThat(waited).as("answered on the change, not at the end of the wait").isLessThan(Duration.ofSeconds(25).toNanos());
        if (!before.equals("succeeded")) {
            JsonNode pi = r.data().get("processing_info");
            String after = state(r.json());
            assertThat(after + "-" + (pi == null ? 100 : pi.path("progress_percent").asInt())).isNotEqualTo(before + "-0");
        }
        api.awaitProcessed(id, Duration.ofSeconds(60));
        t0 = System.nanoTime();
        assertThat(state(api.get("/2/media/upload?command=STATUS&media_id=" + id + "&wait_secs=30").json())).isEqualTo("succeeded");
        assertThat(System.nanoTime() - t0).as("a settled upload answers at once, not after the 30 s wait")
                .isLessThan(Duration.ofSeconds(10).toNanos());
        for (String bad : List.of("31", "-1", "abc", "1.5"))
            assertThat(api.get("/2/media/upload?command=STATUS&media_id=" + id + "&wait_secs=" + bad).status()).as(bad).isEqualTo(400);
    }
}
