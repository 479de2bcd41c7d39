package dev.mediaup.upload;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.core.Family;
import dev.mediaup.fuzz.Fuzzing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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

    /** HEIF headers (HEIC, AVIF): boxes after a real ftyp, so every input reaches the box walk that finds the size. */
    @FuzzTest(maxDuration = "60s")
    void heifHeader(FuzzedDataProvider d) throws Exception {
        byte[] ftyp = d.consumeBoolean() ? HEIC : AVIF;
        byte[] rest = d.consumeRemainingAsBytes();
        byte[] bytes = Arrays.copyOf(ftyp, ftyp.length + rest.length);
        System.arraycopy(rest, 0, bytes, ftyp.length, rest.length);
        Fuzzing.bounded(() -> SNIFFER.check(Family.IMAGE, "image/heic", Arrays.copyOf(bytes, Math.min(bytes.length, Sniffer.PREFIX)),
                () -> new ByteArrayInputStream(bytes)));
    }

    private static final byte[] HEIC = ftyp("heic", "mif1", "heic");
    private static final byte[] AVIF = ftyp("avif", "avif", "mif1", "miaf");

    private static byte[] ftyp(String major, String... compatible) {
        StringBuilder s = new StringBuilder("\0\0\0").append((char) (16 + 4 * compatible.length)).append("ftyp").append(major)
                .append("\0\0\0\0");
        for (String c : compatible) s.append(c);
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
