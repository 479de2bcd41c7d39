package dev.mediaup.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real, unmodified X clients — twitter-api-v2 1.29.1 and X's own @xdevplatform/xdk 0.6.6, pinned in
 * compat/package-lock.json and installed here with npm ci — and curl, pointed at a mediaup server.
 */
public class ClientCompatIT {
    public static final Path COMPAT = Path.of("../compat").toAbsolutePath().normalize();
    @TempDir
    static Path dir;
    static ServerProcess server;
    /** The clients talk to this: every response they get is checked against X's document on its way. */
    static ContractProxy proxy;
    static Api api;
    static Path png, mp4;

    @BeforeAll
    static void start() throws Exception {
        installCompat();
        proxy = new ContractProxy();
        server = new ServerProcess(dir.resolve("data"), "--public-base-url", proxy.baseUrl()).start();
        proxy.to(server.baseUrl());
        api = new Api(server.baseUrl(), server.createToken("424242", "media.write tweet.read"));
        png = Files.write(dir.resolve("pic.png"), Api.png(800, 600));
        mp4 = Files.write(dir.resolve("clip.mp4"), Fixtures.paddedMp4(2_600_000)); // 3 segments of twitter-api-v2's 1 MiB
    }

    @AfterEach
    void everyResponseTheClientsGotIsValidByXsDocument() {
        assertThat(proxy.violations()).as("responses that break X's document").isEmpty();
    }

    @AfterAll
    static void stop() {
        assertThat(proxy.checked()).as("responses the proxy judged").isGreaterThan(10);
        proxy.close();
        server.close();
    }

    @Test
    void twitterApiV2UploadsAnImageAndAVideo() throws Exception {
        List<JsonNode> results = node("twitter-api-v2");
        assertUploaded(results, 2);
    }

    @Test
    void twitterApiV2UploadsWithOAuth1UserContext() throws Exception {
        var creds = server.oauth1("424242");
        List<JsonNode> results = node("twitter-api-v2-oauth1", Map.of("MEDIAUP_APP_KEY", creds.get("consumer_key"),
                "MEDIAUP_APP_SECRET", creds.get("consumer_secret"), "MEDIAUP_ACCESS_TOKEN", creds.get("oauth_token"),
                "MEDIAUP_ACCESS_SECRET", creds.get("oauth_token_secret")));
        assertUploaded(results, 2); // the same user (424242) as the bearer token the checks use
    }

    @Test
    void xdkUploadsAnImageAVideoAndAOneShot() throws Exception {
        List<JsonNode> results = node("xdk");
        assertUploaded(results, 3);
    }

    @Test
    void theSeedCurlRequestAndACurlMultipartUpload() throws Exception {
        String seed = Files.readString(Path.of("../../shared/seed/000_2cdcd7349e5a13df.txt"));
        String body = seed.substring(seed.indexOf("--data '") + 8);
        body = body.substring(0, body.indexOf("'"));
        String out = run(dir, 60, "curl", "-sS", "--request", "POST", "--url", proxy.baseUrl() + "/2/media/upload/initialize",
                "--header", "Authorization: Bearer " + api.token, "--header", "Content-Type: application/json", "--data", body);
        JsonNode d = Api.JSON.readTree(out).get("data");
        assertThat(d.get("media_key").asString()).isEqualTo("7_" + d.get("id").asString());
        assertThat(d.get("expires_after_secs").asInt()).isEqualTo(86400);

        // curl / xurl style: media part first, with a filename, 100-continue for the larger body
        String id = api.initialize("video/mp4", "tweet_video", Files.size(mp4));
        String app = run(dir, 60, "curl", "-sS", "-X", "POST", proxy.baseUrl() + "/2/media/upload/" + id + "/append",
                "-H", "Authorization: Bearer " + api.token, "-F", "media=@" + mp4, "-F", "segment_index=0");
        assertThat(Api.JSON.readTree(app).get("data").get("expires_at").asLong()).isPositive();
        assertThat(api.finalizeUpload(id).data().get("size").asLong()).isEqualTo(Files.size(mp4));
    }

    private static void assertUploaded(List<JsonNode> results, int count) throws Exception {
        assertThat(results).hasSize(count);
        for (JsonNode r : results) {
            assertThat(r.get("state").asString()).as(r.toString()).isEqualTo("succeeded");
            String id = r.get("id").asString();
            JsonNode status = api.awaitProcessed(id, java.time.Duration.ofSeconds(30));
            assertThat(status.get("media_key").asString()).isEqualTo(r.get("media_key").asString());
            long expected = Files.size(r.get("file").asString().endsWith(".png") ? png : mp4);
            assertThat(status.get("size").asLong()).isEqualTo(expected);
        }
    }

    private List<JsonNode> node(String client) throws Exception {
        return node(client, Map.of());
    }

    private List<JsonNode> node(String client, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", "run.mjs", client, png.toString(), mp4.toString()).directory(COMPAT.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MEDIAUP_BASE_URL", proxy.baseUrl());
        pb.environment().put("MEDIAUP_TOKEN", api.token);
        String out = run(pb, 120);
        List<JsonNode> results = new ArrayList<>();
        for (String line : out.split("\n")) if (line.startsWith("{")) results.add(Api.JSON.readTree(line));
        return results;
    }

    /** The pinned clients of compat/package-lock.json, installed once (again when a package is missing). */
    public static synchronized void installCompat() throws IOException, InterruptedException {
        for (String pkg : java.util.List.of("twitter-api-v2", "@xdevplatform/xdk", "playwright-core", "hls.js", "tus-js-client", "uppy", "axe-core",
                "blurhash"))
            if (!Files.isDirectory(COMPAT.resolve("node_modules/" + pkg))) {
                run(COMPAT, 300, "npm", "ci", "--no-audit", "--no-fund");
                return;
            }
    }

    static String run(Path cwd, int timeoutSecs, String... cmd) throws IOException, InterruptedException {
        return run(new ProcessBuilder(cmd).directory(cwd.toFile()), timeoutSecs);
    }

    public static String run(ProcessBuilder pb, int timeoutSecs) throws IOException, InterruptedException {
        Path log = Files.createTempFile("mediaup-compat", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(timeoutSecs, TimeUnit.SECONDS);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!done) p.destroyForcibly();
        assertThat(done && p.exitValue() == 0).as("%s exited badly:\n%s", pb.command(), out).isTrue();
        return out;
    }
}
