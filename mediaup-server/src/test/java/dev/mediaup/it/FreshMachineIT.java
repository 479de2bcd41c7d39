package dev.mediaup.it;

import dev.mediaup.processing.Ffmpeg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Video on a machine with only a JDK. This machine has the audio, X11 and udev libraries the bundled ffmpeg
 * links (Chromium brought them), so the test hides them the way a fresh machine lacks them: in a private mount
 * namespace each is replaced by /dev/null ({@code unshare -m}, which CI can do as root). There, a server with an empty
 * cache extracts its ffmpeg and transcodes a clip to High-profile H.264. Then the other side: a server whose ffmpeg
 * cannot run says so once at startup and in /readyz, and its video job waits — without burning its one attempt — until
 * ffmpeg can run, then succeeds.
 */
class FreshMachineIT {
    /** What the bundled ffmpeg links but a JDK-only machine lacks (libpulse.so.0 is the one that bit a new user). */
    static final List<String> SYSTEM_LIBS = List.of("libpulse.so.0", "libasound.so.2", "libxcb.so.1", "libxcb-shm.so.0", "libudev.so.1");

    @TempDir
    Path dir;

    @BeforeAll
    static void canHideLibraries() throws Exception {
        Process p = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
        boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(ok, "needs unshare -m (root, as in CI) to hide system libraries");
    }

    /** A wrapper that runs the rest of its arguments with the system's copies of {@link #SYSTEM_LIBS} hidden. */
    static List<String> hidingSystemLibraries() {
        StringBuilder script = new StringBuilder();
        for (String lib : SYSTEM_LIBS)
            for (String d : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"))
                script.append("if [ -e ").append(d).append('/').append(lib).append(" ]; then mount --bind /dev/null ").append(d).append('/')
                        .append(lib).append(" || exit 99; fi; ");
        script.append("exec \"$@\"");
        return List.of("unshare", "-m", "sh", "-c", script.toString(), "sh");
    }

    /** Runs {@code cmd}; exit code and output (within a minute). */
    static Map.Entry<Integer, String> run(List<String> cmd, Map<String, String> env) throws Exception {
        return DistIT.run(cmd, env, Duration.ofSeconds(60));
    }

    /** The directory the server extracted its ffmpeg into, under the cache dir it was given. */
    static Path extracted(Path cache) throws IOException {
        try (var dirs = Files.list(cache)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(".complete"))).findFirst().orElseThrow();
        }
    }

    @Test
    void videoProcessesWithNoSystemLibrariesAndAnEmptyCache() throws Exception {
        Path cache = dir.resolve("cache");
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).withPrefix(hidingSystemLibraries())
                .withEnv(Map.of("MEDIAUP_CACHE_DIR", cache.toString())).start()) {
            Api api = new Api(server.baseUrl(), server.createToken("900", "media.write media.read tweet.read"));
            JsonNode ready = api.as(null).get("/readyz").json();
            assertThat(ready.get("checks").get("processing").asString()).as(ready.toString()).isEqualTo("up");
            JsonNode done = ProcessingIT.upload(api, "video/mp4", "tweet_video", Fixtures.mp4(2, 640, 360));
            assertThat(done.get("processing_info").get("state").asString()).as(done + "\n" + server.log()).isEqualTo("succeeded");
            JsonNode m = api.get("/2/media/" + done.get("media_key").asString() + "?media.fields=variants").data();
            String url = m.get("variants").get(0).get("url").asString();
            Path rendition = Files.write(dir.resolve("rendition.mp4"), api.as(null).get(url.substring(server.baseUrl().length())).body());
            JsonNode stream = new Ffmpeg(null, Ffmpeg.Limits.defaults()).probe("mov", rendition.toString(), List.of(), dir)
                    .get("streams").get(0);
            assertThat(stream.get("codec_name").asString()).isEqualTo("h264");
            assertThat(stream.get("profile").asString()).isEqualTo("High");
            assertThat(server.log()).doesNotContain("cannot run");
        }

        // the hiding bites: the same ffmpeg without the stand-ins does not start in there (what the new user saw),
        // and does outside (so it is the missing libraries, not a broken copy)
        Path bare = Files.createDirectories(dir.resolve("bare"));
        try (var files = Files.list(extracted(cache))) {
            for (Path f : files.toList())
                if (!SYSTEM_LIBS.contains(f.getFileName().toString()))
                    Files.copy(f, bare.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        List<String> version = List.of(bare.resolve("ffmpeg").toString(), "-hide_banner", "-version");
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", bare.toString());
        var hidden = run(concat(hidingSystemLibraries(), version), env);
        assertThat(hidden.getKey()).as(hidden.getValue()).isNotZero();
        assertThat(hidden.getValue()).contains("error while loading shared libraries");
        var shown = run(version, env);
        boolean systemHasThem = SYSTEM_LIBS.stream().allMatch(l -> Files.exists(Path.of("/lib/x86_64-linux-gnu", l))
                || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu", l)));
        if (systemHasThem) assertThat(shown.getKey()).as("with the system's libraries it runs: " + shown.getValue()).isZero();
        else assertThat(shown.getValue()).as("this machine is itself fresh: without the stand-ins nothing runs")
                .contains("error while loading shared libraries");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void whenFfmpegCannotRunTheServerSaysSoAndVideoJobsWaitForIt() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("MEDIAUP_CACHE_DIR", cache.toString());
        try (ServerProcess first = new ServerProcess(dir.resolve("first")).withEnv(env).start()) {
            assertThat(first.log()).contains("ffmpeg:"); // extracted
        }
        Path lib = extracted(cache).resolve("libavdevice.so.62"), aside = dir.resolve("libavdevice.so.62");
        Files.move(lib, aside); // a library ffmpeg needs, gone: it cannot start

        // one attempt only: before, the job failed for good at once; now it waits without counting
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--max-job-attempts", "1").withEnv(env).start()) {
            assertThat(server.log()).contains("video and GIF processing cannot run: ").contains("libavdevice.so.62");
            Api api = new Api(server.baseUrl(), server.createToken("901", "media.write media.read"));
            Api.Res ready = api.as(null).get("/readyz");
            assertThat(ready.status()).as("uploads and delivery still work: degraded, not out of rotation").isEqualTo(200);
            assertThat(ready.json().get("status").asString()).isEqualTo("degraded");
            assertThat(ready.json().get("checks").get("processing").asString()).isEqualTo("down");
            assertThat(ready.json().get("reasons").get("processing").asString()).contains("libavdevice.so.62");

            String id = api.initialize("video/mp4", "tweet_video", Fixtures.tinyMp4().length);
            assertThat(api.append(id, 0, Fixtures.tinyMp4()).status()).isEqualTo(200);
            assertThat(api.finalizeUpload(id).status()).isEqualTo(200);
            Thread.sleep(12_000); // longer than a retry round
            JsonNode waiting = api.status(id).data().get("processing_info");
            assertThat(waiting.get("state").asString()).as(waiting.toString()).isIn("pending", "in_progress");

            Files.move(aside, lib); // the cause is fixed
            JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(60));
            assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
            assertThat(api.as(null).get("/readyz").json().get("status").asString()).isEqualTo("ready");
        }
    }
}
