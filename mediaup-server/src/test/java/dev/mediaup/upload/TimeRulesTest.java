package dev.mediaup.upload;

import dev.mediaup.it.Api;
import dev.mediaup.it.Api.Res;
import dev.mediaup.it.InProcessServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of time — tokens, grants and upload sessions that end, bytes the sweeper then removes — through the wire
 * of the real server, with its clock run forward instead of waiting for it (tests sleep for none of them).
 */
class TimeRulesTest {
    @TempDir
    static Path dir;
    static InProcessServer server;
    static final String INIT = "{\"media_type\":\"image/png\",\"total_bytes\":10}";

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(dir.resolve("data"), "--expires-after-secs", "600", "--sweep-interval-secs", "1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Api as(String token) {
        return new Api(server.baseUrl(), token);
    }

    @Test
    void aTokenWorksUntilItExpires() throws Exception {
        Api api = as(server.createToken("101", "media.write", server.now() + 60));
        assertThat(api.postJson("/2/media/upload/initialize", INIT).status()).isEqualTo(200);
        server.advance(Duration.ofSeconds(59));
        assertThat(api.postJson("/2/media/upload/initialize", INIT).status()).isEqualTo(200);
        server.advance(Duration.ofSeconds(2));
        Res r = api.postJson("/2/media/upload/initialize", INIT);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("unauthorized");
    }

    @Test
    void aGrantWorksUntilItExpires() throws Exception {
        Api user = as(server.createToken("102", "media.write tweet.read"));
        JsonNode g = user.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\",\"expires_in_secs\":60}").json().get("data");
        Api browser = as(g.get("token").asString());
        assertThat(browser.postJson("/2/media/upload/initialize", INIT).status()).isEqualTo(200);
        server.advance(Duration.ofSeconds(61));
        Res r = browser.postJson("/2/media/upload/initialize", INIT);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("grant_not_live");
        assertThat(user.get("/2/media/upload/grants/" + g.get("id").asString()).data().get("state").asString()).isEqualTo("expired");
    }

    @Test
    void aGrantEndsWhenTheTokenThatMadeItExpires() throws Exception {
        String maker = server.createToken("103", "media.write tweet.read", server.now() + 120);
        Api owner = as(server.createToken("103", "media.write tweet.read"));
        JsonNode g = as(maker).postJson("/2/media/upload/grants",
                "{\"media_category\":\"tweet_image\",\"expires_in_secs\":3600,\"uploads\":10}").json().get("data");
        Api browser = as(g.get("token").asString());
        assertThat(browser.postJson("/2/media/upload/initialize", INIT).status()).isEqualTo(200);
        server.advance(Duration.ofSeconds(121));
        Res r = browser.postJson("/2/media/upload/initialize", INIT);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("grant_not_live");
        JsonNode ended = owner.get("/2/media/upload/grants/" + g.get("id").asString()).data();
        assertThat(ended.get("state").asString()).isEqualTo("revoked");
        assertThat(ended.get("revoked_by").asString()).isEqualTo("token_expired");
        assertThat(ended.get("expires_at").asLong()).as("its own time had not run out").isGreaterThan(server.now());
    }

    @Test
    void anExpiredSessionAnswers400AndTheSweeperRemovesItsBytes() throws Exception {
        Api api = as(server.createToken("104", "media.write"));
        String id = api.initialize("video/mp4", "tweet_video", 2000);
        Res first = api.append(id, 0, new byte[1000]);
        assertThat(first.data().get("expires_at").asLong()).as("the window, from when the upload began")
                .isBetween(server.now() + 590, server.now() + 600);
        assertThat(server.blobs("uploads/" + id)).isNotEmpty();
        server.advance(Duration.ofSeconds(601));
        for (Res r : List.of(api.append(id, 1, new byte[1000]), api.finalizeUpload(id), api.status(id))) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.code()).as(r.toString()).isEqualTo("session_expired");
        }
        // the sweeper runs every second of real time and judges by the server's clock
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.blobs("uploads/" + id).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(server.blobs("uploads/" + id)).as("the expired session's bytes left the store").isEmpty();
    }
}
