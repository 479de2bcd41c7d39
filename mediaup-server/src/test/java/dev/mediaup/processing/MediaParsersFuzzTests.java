package dev.mediaup.processing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.core.MediaRejected;
import dev.mediaup.fuzz.Fuzzing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What processing parses itself: SRT and WebVTT subtitles, GLB and USDZ containers. A bad file is a MediaRejected
 * (the media fails with InvalidMedia), nothing else. Seeds in MediaParsersFuzzTestsInputs.
 */
class MediaParsersFuzzTests {
    private static Path dir;

    @BeforeAll
    static void scratch() throws Exception {
        dir = Files.createTempDirectory("mediaup-fuzz");
    }

    @AfterAll
    static void clean() {
        Ffmpeg.deleteTree(dir);
    }

    @FuzzTest(maxDuration = "60s")
    void subtitles(FuzzedDataProvider d) throws Exception {
        boolean vtt = d.consumeBoolean();
        byte[] bytes = d.consumeRemainingAsBytes();
        Fuzzing.bounded(() -> Subtitles.toWebVtt(bytes, vtt), MediaRejected.class);
    }

    @FuzzTest(maxDuration = "60s")
    void models(FuzzedDataProvider d) throws Exception {
        String type = d.consumeBoolean() ? "model/gltf-binary" : "model/vnd.usdz+zip";
        Path f = dir.resolve("input");
        Files.write(f, d.consumeRemainingAsBytes());
        Fuzzing.bounded(() -> Models.validate(f, type), MediaRejected.class);
    }
}
