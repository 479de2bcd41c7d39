package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads straight from a browser, in Debian's Chromium, on a page of another origin than mediaup, with an
 * upload grant its backend asked for: examples/uppy/ (Uppy's Dashboard and tus plugin, unmodified from npm) and
 * examples/chunked/ (X's chunked endpoints with fetch, resumed after a reload from the segments listing). CORS lets
 * the page through; the grant lets it run one upload and nothing else; a grant bound to another origin fails in the
 * browser as it should.
 */
class BrowserUploadIT {
    @TempDir
    Path dir;

    /**
     * A port for a page's server, free now and below Linux's ephemeral range (32768–60999): the page is an origin the
     * server under test was told at its start, so the port must stay free until the page listens — and a port the
     * kernel hands out for port 0 or for an outgoing connection (plenty of both while other suites run) may be taken
     * meanwhile (it was: EADDRINUSE between two pages on one port).
     */
    static int freePort() throws Exception {
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                if (attempt > 100) throw taken;
            }
        }
    }

    @Test
    void uppyInChromiumUploadsWithAGrantFromAPageOfAnotherOrigin() throws Exception {
        ClientCompatIT.installCompat();
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
                .as("Chromium is installed by bin/setup --test (.ci/run does this)").isExecutable();
        int pagePort = freePort();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--cors-origins", "http://127.0.0.1:" + pagePort).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("9500", "media.write tweet.read"));
            Path clip = Files.write(dir.resolve("clip.mp4"), Fixtures.mp4(2, 320, 240));
            uploadedWithItsGrant(run("uppy", server, api, clip, pagePort, null), server, api, "/files/");

            // the same page with a grant bound to another origin: the browser's upload is refused, nothing is stored
            JsonNode refused = run("uppy", server, api, clip, freePort(), "https://elsewhere.example");
            assertThat(refused.get("result").get("successful")).as(refused.toString()).isEmpty();
            assertThat(refused.get("result").get("failed")).isNotEmpty();
            assertThat(api.get("/2/media/upload/grants/" + refused.get("grant_id").asString()).data().get("uploads")).isEmpty();
        }
    }

    /** The same page and Uppy plugin in tus-js-client's IETF mode: resumable HTTP from a browser, with a grant. */
    @Test
    void uppyInChromiumUploadsThroughResumableHttpWithAGrant() throws Exception {
        ClientCompatIT.installCompat();
        int pagePort = freePort();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--cors-origins", "http://127.0.0.1:" + pagePort).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("9700", "media.write tweet.read"));
            Path clip = Files.write(dir.resolve("clip.mp4"), Fixtures.mp4(2, 320, 240));
            for (String protocol : List.of("ietf-draft-05", "ietf-draft-03")) // interop versions 6 and 5
                uploadedWithItsGrant(run("uppy", server, api, clip, pagePort, null, protocol), server, api, "/2/media/upload/resumable/");
        }
    }

    /**
     * The page's one upload succeeded at an upload URL under {@code path}, was processed, and is the upload its grant
     * lists.
     */
    private static void uploadedWithItsGrant(JsonNode r, ServerProcess server, Api api, String path) throws Exception {
        assertThat(r.get("errors")).as(r.toString()).isEmpty();
        assertThat(r.get("result").get("failed")).as(r.toString()).isEmpty();
        assertThat(r.get("result").get("successful")).hasSize(1);
        String url = r.get("result").get("successful").get(0).get("url").asString();
        assertThat(url).startsWith(server.baseUrl() + path);
        String id = url.substring(url.lastIndexOf('/') + 1);
        assertThat(api.awaitProcessed(id, Duration.ofSeconds(120)).get("processing_info").get("state").asString()).isEqualTo("succeeded");
        JsonNode grant = api.get("/2/media/upload/grants/" + r.get("grant_id").asString()).data();
        assertThat(grant.get("uploads").get(0).get("id").asString()).as(r.toString()).isEqualTo(id);
    }

    @Test
    void aPageUploadsThroughXsChunkedEndpointsAndResumesAfterAReload() throws Exception {
        ClientCompatIT.installCompat();
        int pagePort = freePort();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--cors-origins", "http://127.0.0.1:" + pagePort).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("9600", "media.write tweet.read"));
            Path video = Files.write(dir.resolve("six.mp4"), Fixtures.paddedMp4(6 << 20)); // six 1 MiB segments
            JsonNode r = run("chunked", server, api, video, pagePort, null);
            assertThat(r.get("errors")).as(r.toString()).isEmpty();
            JsonNode result = r.get("result");
            assertThat(result.has("error")).as(r.toString()).isFalse();
            assertThat(result.get("resumedWith").asInt()).as("the server held 3 segments when the page came back").isEqualTo(3);
            assertThat(r.get("appendsAfterReload").asInt()).as("only the missing segments were sent").isEqualTo(3);
            assertThat(result.get("state").asString()).isEqualTo("succeeded");
            assertThat(api.status(result.get("id").asString()).data().get("size").asLong()).isEqualTo(6 << 20);
            JsonNode grant = api.get("/2/media/upload/grants/" + r.get("grant_id").asString()).data();
            assertThat(grant.get("uploads_started").asInt()).as("one upload, resumed — not two").isEqualTo(1);
        }
    }

    private static JsonNode run(String example, ServerProcess server, Api api, Path file, int pagePort, String grantOrigin)
            throws Exception {
        return run(example, server, api, file, pagePort, grantOrigin, null);
    }

    /** {@code protocol}: tus-js-client's, for the uppy page (null: tus 1.0). */
    private static JsonNode run(String example, ServerProcess server, Api api, Path file, int pagePort, String grantOrigin,
                                String protocol) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("node", "browser-upload.mjs", example, file.toString(), "video/mp4",
                Integer.toString(pagePort)));
        if (grantOrigin != null) cmd.add(grantOrigin);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ClientCompatIT.COMPAT.toFile());
        pb.environment().put("MEDIAUP_BASE_URL", server.baseUrl());
        pb.environment().put("MEDIAUP_TOKEN", api.token);
        if (protocol != null) pb.environment().put("MEDIAUP_TUS_PROTOCOL", protocol);
        String out = ClientCompatIT.run(pb, 180);
        return Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(out)));
    }
}
