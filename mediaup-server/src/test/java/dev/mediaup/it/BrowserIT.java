package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser as the player: Debian's Chromium, headless, plays a rendition from its signed delivery URL in a
 * {@code <video>} and seeks into it (compat/video-seek.mjs, driven by playwright-core). Chromium's media stack asks
 * with Range, checks the answer's validators, and decodes H.264 — so this is delivery as players really use it.
 */
class BrowserIT {
    @TempDir
    Path dir;

    @Test
    void chromiumPlaysARenditionAndSeeksIntoIt() throws Exception {
        ClientCompatIT.installCompat();
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
                .as("Chromium is installed by bin/setup --test (.ci/run does this)").isExecutable();
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("901", "media.write tweet.read"));
            byte[] clip = Fixtures.mp4(8, 1280, 720); // 720p: three MP4 renditions and an HLS ladder of three; 8 s: the seek to 7 s lands in HLS's second 6 s segment
            String id = api.initialize("video/mp4", "tweet_video", clip.length);
            api.append(id, 0, clip);
            api.finalizeUpload(id);
            assertThat(api.awaitProcessed(id, Duration.ofSeconds(120)).get("processing_info").get("state").asString()).isEqualTo("succeeded");
            JsonNode variants = api.get("/2/media/7_" + id + "?media.fields=variants").data().get("variants");
            for (JsonNode v : variants) {
                if (!v.get("content_type").asString().equals("video/mp4")) continue; // HLS: below, with a script player
                String out = ClientCompatIT.run(ClientCompatIT.COMPAT, 120, "node", "video-seek.mjs", v.get("url").asString(), "7.0");
                JsonNode r = Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
                assertThat(r.get("duration").asDouble()).as(out).isBetween(7.5, 8.5);
                assertThat(r.get("seekedTo").asDouble()).isEqualTo(7.0);
                assertThat(r.get("readyState").asInt()).as("a frame at 7 s was decoded").isGreaterThanOrEqualTo(2);
                int height = Integer.parseInt(v.get("url").asString().replaceAll(".*/([0-9]+)p\\?.*", "$1"));
                assertThat(r.get("height").asInt()).isEqualTo(height);
                assertThat(r.get("fetches")).isNotEmpty();
                for (JsonNode f : r.get("fetches")) {
                    assertThat(f.get("range").isNull()).as("Chromium asks with Range: %s", f).isFalse();
                    assertThat(f.get("status").asInt()).isEqualTo(206);
                }
            }
            // the HLS playlist in hls.js (Chromium plays HLS only through a script), from a page of another origin
            JsonNode hls = variants.get(variants.size() - 1);
            assertThat(hls.get("content_type").asString()).isEqualTo("application/x-mpegURL");
            String out = ClientCompatIT.run(ClientCompatIT.COMPAT, 120, "node", "hls-seek.mjs", hls.get("url").asString(), "7.0");
            JsonNode r = Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
            assertThat(r.get("levels").asInt()).as(out).isEqualTo(3);
            assertThat(r.get("duration").asDouble()).isBetween(7.5, 8.5);
            assertThat(r.get("seekedTo").asDouble()).isEqualTo(7.0);
            assertThat(r.get("readyState").asInt()).as("a frame at 7 s was decoded").isGreaterThanOrEqualTo(2);
            assertThat(r.get("height").asInt()).isIn(720, 480, 360);
        }
    }
}
