package dev.mediaup.cli;

import dev.mediaup.config.LimitsConfig.RateFamily;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.core.Category;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** serve's options become one typed, validated ServeConfig: precedence, units, and bad values named in the error. */
class ServeConfigTest {
    @TempDir
    Path dir;

    static ServeConfig parse(Map<String, String> env, String... args) {
        return ServeCommand.parse(env, args);
    }

    static String error(Map<String, String> env, String... args) {
        try {
            parse(env, args);
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + String.join(" ", args));
    }

    @Test
    void defaultsAreXsLimits() {
        ServeConfig c = parse(Map.of());
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.storage().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.storage().database()).isEmpty();
        assertThat(c.limits().maxBytes(Category.TWEET_IMAGE)).isEqualTo(5L << 20);
        assertThat(c.limits().sessionWindow(Category.AMPLIFY_VIDEO)).isEqualTo(Duration.ofSeconds(1_295_999));
        assertThat(c.processing().maxDuration(Category.TWEET_VIDEO)).isEqualTo(Duration.ofSeconds(140));
        assertThat(c.processing().workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.limits().rateLimits().get(RateFamily.ANONYMOUS).requests()).isEqualTo(5000);
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("m.properties"), "port=9001\nexpires-after-secs=7\nmax-gif-frames=11\nhost=0.0.0.0\n");
        ServeConfig c = parse(Map.of("MEDIAUP_PORT", "9002", "MEDIAUP_EXPIRES_AFTER_SECS", "8", "MEDIAUP_CONFIG", file.toString()),
                "--expires-after-secs", "9");
        assertThat(c.limits().sessionWindow()).isEqualTo(Duration.ofSeconds(9)); // flag
        assertThat(c.http().port()).isEqualTo(9002);                              // environment
        assertThat(c.processing().maxGifFrames()).isEqualTo(11);                  // file
        assertThat(c.http().host()).isEqualTo("0.0.0.0");                        // file
        assertThat(c.http().drain()).isEqualTo(Duration.ofSeconds(30));           // default
        ServeConfig viaFlag = parse(Map.of(), "--config", file.toString(), "--port", "9003");
        assertThat(viaFlag.http().port()).isEqualTo(9003);
        assertThat(viaFlag.processing().maxGifFrames()).isEqualTo(11);
    }

    @Test
    void urlsAreParsedOnceHere() {
        ServeConfig c = parse(Map.of(), "--db", "postgresql://me:p%40ss@db.internal:5433/media?sslmode=require",
                "--blobs", "s3://bucket/some/prefix?endpoint=http://127.0.0.1:9000&access-key=k&secret-key=s");
        var db = c.storage().database().orElseThrow();
        assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/media?sslmode=require");
        assertThat(db.user()).isEqualTo("me");
        assertThat(db.password()).isEqualTo("p@ss");
        var s3 = c.storage().blobs().orElseThrow();
        assertThat(s3.bucket()).isEqualTo("bucket");
        assertThat(s3.prefix()).isEqualTo("some/prefix/");
        assertThat(s3.endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.toString()).doesNotContain("s3cret").doesNotContain("secret-key");
    }

    @Test
    void perCategoryAndPerFamilyMapsMergeWithTheDefaults() {
        ServeConfig c = parse(Map.of(), "--category-limits", "dm_gif=100000", "--max-duration-secs", "tweet_video=6",
                "--rate-limits", "upload=20/600,anonymous=2/60");
        assertThat(c.limits().maxBytes(Category.DM_GIF)).isEqualTo(100_000);
        assertThat(c.limits().maxBytes(Category.TWEET_GIF)).isEqualTo(15L << 20);
        assertThat(c.processing().maxDuration(Category.TWEET_VIDEO)).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.processing().maxDuration(Category.AMPLIFY_VIDEO)).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.limits().rateLimits().get(RateFamily.UPLOAD).window()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.limits().rateLimits().get(RateFamily.READ).requests()).isEqualTo(100_000);
        // docs/access.md (and X) call the anonymous family "unauthenticated": both names work
        assertThat(parse(Map.of(), "--rate-limits", "unauthenticated=7/60").limits().rateLimits().get(RateFamily.ANONYMOUS).requests())
                .isEqualTo(7);
    }

    @Test
    void badValuesAreNamedInTheError() {
        assertThat(error(Map.of(), "--category-limits", "tweet_photo=5")).contains("unknown category tweet_photo");
        assertThat(error(Map.of(), "--rate-limits", "uploads=5/60")).contains("bad --rate-limits entry uploads=5/60");
        assertThat(error(Map.of(), "--rate-limits", "upload=5")).contains("upload=5");
        assertThat(error(Map.of(), "--webhook-url", "http://hook.example")).contains("--webhook-secret");
        assertThat(error(Map.of(), "--webhook-url", "ftp://x", "--webhook-secret", "s")).contains("must be http(s): ftp://x");
        assertThat(error(Map.of(), "--db", "mysql://x/y")).contains("--db must be a postgresql:// URL");
        assertThat(error(Map.of(), "--blobs", "gs://bucket")).contains("--blobs must be an s3://");
        assertThat(error(Map.of(), "--port", "70000")).contains("--port must be 0..65535");
        assertThat(error(Map.of(), "--expires-after-secs", "0")).contains("--expires-after-secs must be more than 0");
        assertThat(error(Map.of("MEDIAUP_LEASE_SECS", "soon"))).contains("soon");
        // every bad value at once, not one per attempt
        assertThat(error(Map.of(), "--max-pixels", "0", "--max-gif-frames", "-1")).contains("--max-pixels").contains("--max-gif-frames");
    }
}
