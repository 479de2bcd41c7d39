package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line in a newcomer's first hour: what it says when run from the wrong directory, against a server that is
 * not there, and in its help. Each answer names what went wrong and where, at once.
 */
class CliIT {
    @TempDir
    Path dir;

    record Ran(int exit, String stdout, String stderr, long millis) {}

    /** bin/mediaup's jar, run in {@code cwd} with only these arguments. */
    static Ran run(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.java(), "-jar", ServerProcess.jar().toString()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MEDIAUP_"));
        Process p = pb.start();
        var err = p.getErrorStream();
        var errText = new StringBuilder();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                errText.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        drain.join();
        return new Ran(p.exitValue(), out, errText.toString(), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void tokenCreateSaysWhereTheTokenIsAndWarnsWhenItMadeANewDataDir() throws Exception {
        Ran first = run(dir, "token", "create", "--user", "5");
        assertThat(first.exit()).isZero();
        assertThat(first.stdout()).as("the token alone on stdout").matches("mu_[A-Za-z0-9_-]{43}\\n");
        Path db = dir.resolve("data/mediaup.db").toAbsolutePath().normalize();
        assertThat(first.stderr()).contains("new, empty data dir").contains(dir.resolve("data").toAbsolutePath().normalize().toString())
                .contains("stored in " + db);
        Ran second = run(dir, "token", "create", "--user", "5");
        assertThat(second.stderr()).as("an existing data dir is no news").doesNotContain("new, empty").contains("stored in " + db);
    }

    @Test
    void uploadToAServerThatIsNotThereSaysSoAtOnceNamingTheUrlAndTheCause() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now, and nothing listens there after
        }
        Path file = Files.write(dir.resolve("pic.png"), Api.png(10, 10));
        String base = "http://127.0.0.1:" + port;
        Ran r = run(dir, "upload", "--base-url", base, "--token", "mu_x", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("cannot reach " + base).containsIgnoringCase("connection refused")
                .doesNotContain("java.net").doesNotContain("%");
        assertThat(r.millis()).as("no retries for a server that was never there").isLessThan(10_000);
    }

    @Test
    void uploadSpeaksResumableHttpWhenAskedTo() throws Exception {
        Path file = Files.write(dir.resolve("clip.mp4"), Fixtures.paddedMp4(3 << 20));
        try (ServerProcess server = new ServerProcess(dir.resolve("server")).start()) {
            String token = server.createToken("8800", "media.write tweet.read");
            Ran r = run(dir, "upload", "--base-url", server.baseUrl(), "--token", token, "--protocol", "rufh", "--json", file.toString());
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.stdout()).contains("\"media_key\" : \"7_");
            String metrics = new Api(server.baseUrl(), null).get("/metrics").text();
            assertThat(metrics).as("the bytes went to an upload resource").contains("route=\"/2/media/upload/resumable/{id}\"");
            assertThat(run(dir, "upload", "--base-url", server.baseUrl(), "--token", token, "--protocol", "carrier-pigeon",
                    file.toString()).exit()).isEqualTo(2);
        }
    }

    @Test
    void helpShowsWholeDescriptionsAndDefaults() throws Exception {
        String top = run(dir, "--help").stdout();
        assertThat(top).contains("gc           Run the sweeper now (safe while a server runs).")
                .contains("ffmpeg-path  Print the path of the ffmpeg executable the server runs.");
        assertThat(run(dir, "upload", "--help").stdout()).contains("Default: http://127.0.0.1:8080");
    }
}
