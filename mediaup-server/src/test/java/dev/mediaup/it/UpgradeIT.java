package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade in place: the current code started on a data dir that an earlier release made and left mid-work
 * (bin/upgrade-fixture builds that release and drives it; the result is kept in src/test/resources/upgrade). The
 * database is migrated by the new code at start; then the old media are served, the upload that was left with two of
 * three segments takes its third and finishes, and the job that was queued when the old server died runs.
 */
class UpgradeIT {
    /** The release the fixture comes from: the commit that landed before packages and roles (2026-12-06). */
    static final String FROM = "0.1.0-b32a8cf";

    @TempDir
    Path dir;

    @Test
    void theCurrentCodeServesAndFinishesWhatAnEarlierReleaseLeft() throws Exception {
        Properties made = new Properties();
        try (InputStream in = UpgradeIT.class.getResourceAsStream("/upgrade/" + FROM + ".properties")) {
            made.load(in);
        }
        Path tarball = Path.of("src/test/resources/upgrade/" + FROM + ".tar.gz").toAbsolutePath();
        DistIT.ok(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            Api api = new Api(server.baseUrl(), made.getProperty("token"));
            // what was done is still there and served
            for (String key : List.of(made.getProperty("picture.key"), made.getProperty("video.key"))) {
                JsonNode media = api.get("/2/media/" + key + "?media.fields=url,variants").data();
                assertThat(media.get("media_key").asString()).isEqualTo(key);
            }
            JsonNode picture = api.get("/2/media/" + made.getProperty("picture.key") + "?media.fields=url").data();
            String url = picture.get("url").asString();
            assertThat(api.as(null).get(url.substring(url.indexOf("/media/"))).status()).isEqualTo(200);
            JsonNode video = api.get("/2/media/" + made.getProperty("video.key") + "?media.fields=variants").data();
            String rendition = video.get("variants").get(0).get("url").asString();
            assertThat(api.as(null).get(rendition.substring(rendition.indexOf("/media/"))).body()).isNotEmpty();

            // the job the old server queued as it died runs on the new one
            String queued = made.getProperty("queued.id");
            assertThat(api.awaitProcessed(queued, Duration.ofSeconds(120)).get("processing_info").get("state").asString())
                    .isEqualTo("succeeded");

            // the upload left with two of its three segments takes the third and finishes
            String unfinished = made.getProperty("unfinished.id");
            assertThat(api.get("/2/media/upload/" + unfinished + "/segments").data().get("segments")).hasSize(2);
            byte[] clip = Files.readAllBytes(dir.resolve("clip.mp4"));
            int third = Integer.parseInt(made.getProperty("unfinished.segment.bytes"));
            assertThat(api.append(unfinished, 2, Arrays.copyOfRange(clip, 2 * third, clip.length)).status()).isEqualTo(200);
            assertThat(api.finalizeUpload(unfinished).status()).isEqualTo(200);
            JsonNode done = api.awaitProcessed(unfinished, Duration.ofSeconds(120));
            assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.get("size").asLong()).isEqualTo(clip.length);
        }
    }
}
