package dev.mediaup.upload;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.core.Family;
import dev.mediaup.fuzz.Fuzzing;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

/**
 * The sniffer decides what uploaded bytes are and reads picture headers: every input ends in a verdict (a media type,
 * or a failure for the media), never an exception, and header reading stays within the pixel limit.
 */
class SnifferFuzzTests {
    private static final Sniffer SNIFFER = new Sniffer(50_000_000);

    @FuzzTest(maxDuration = "60s")
    void verdict(FuzzedDataProvider d) throws Exception {
        Family family = d.pickValue(Family.values());
        byte[] bytes = d.consumeRemainingAsBytes();
        Fuzzing.bounded(() -> SNIFFER.check(family, "application/octet-stream", Arrays.copyOf(bytes, Math.min(bytes.length, Sniffer.PREFIX)),
                () -> new ByteArrayInputStream(bytes)));
    }
}
