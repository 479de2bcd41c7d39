package dev.mediaup.api.wire;

import dev.mediaup.core.Problem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tap must change nothing but speed: every body gives the same bytes, fields and problem as Jackson decoding the
 * whole value — read whole and in small random reads (so values cross the tap's buffers and blocks).
 */
class Base64TapTest {
    private static final Set<String> FIELDS = Set.of("segment_index", "note", "med", "mediax", "Media");

    /** What reading a body came to: the media's bytes and the fields, or the problem (or other exception) thrown. */
    private record Outcome(byte[] media, Map<String, JsonNode> fields, String failure) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome x && java.util.Arrays.equals(media, x.media) && java.util.Objects.equals(fields, x.fields)
                    && java.util.Objects.equals(failure, x.failure);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(media);
        }

        @Override
        public String toString() {
            return failure != null ? "failed: " + failure : media.length + " bytes, " + fields;
        }
    }

    private static Outcome read(byte[] body, boolean tap, Random chunks) {
        var media = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(body);
        if (chunks != null) in = new FilterInputStream(in) { // a socket's reads: a few bytes to a few KiB at a time
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + chunks.nextInt(chunks.nextBoolean() ? 16 : 9000)));
            }
        };
        try {
            var fields = JsonMediaBody.read(in, media, FIELDS, tap);
            return new Outcome(media.toByteArray(), fields, null);
        } catch (Problem p) {
            return new Outcome(null, null, p.getClass().getSimpleName() + " " + p.code + " " + p.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, null, e.getClass().getSimpleName());
        }
    }

    private static void same(String doc) {
        same(doc.getBytes(StandardCharsets.UTF_8));
    }

    private static void same(byte[] body) {
        Outcome expected = read(body, false, null);
        assertThat(read(body, true, null)).as(preview(body)).isEqualTo(expected);
        Random r = new Random(body.length);
        for (int i = 0; i < 3; i++) assertThat(read(body, true, r)).as(preview(body)).isEqualTo(expected);
    }

    private static String preview(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 160 ? s.substring(0, 80) + "…" + s.substring(s.length() - 80) : s;
    }

    private static String b64(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void plainBase64OfEveryLengthAndAcrossBuffers() {
        for (int n : new int[]{0, 1, 2, 3, 4, 5, 3071, 3072, 3073, 49_151, 49_152, 49_153, 200_000, 1 << 20}) {
            String m = b64(n, n);
            same("{\"media\":\"" + m + "\"}");
            same("{\"segment_index\":7,\"media\":\"" + m + "\",\"note\":\"x\"}");
            same("{ \"media\" : \"" + m + "\" , \"segment_index\" : 0 }");
        }
    }

    @Test
    void whatOnlyJacksonDecodesStillDecodesAsBefore() {
        String m = b64(100_000, 1);
        int mid = m.length() / 2 & ~3;
        List<String> values = new ArrayList<>(List.of(
                m.substring(0, mid) + "\\/" + m.substring(mid + 1),          // an escaped slash (PHP escapes every one)
                m.substring(0, mid) + "\\u0041" + m.substring(mid + 1),      // a unicode escape
                m.substring(0, mid) + "\\n" + m.substring(mid),              // an escaped newline between units
                m.substring(0, mid) + "\n" + m.substring(mid),               // a raw one
                m.substring(0, mid) + " " + m.substring(mid),                // a space between units
                m.substring(0, mid + 1) + " " + m.substring(mid + 1),        // and inside a unit
                m.substring(0, mid) + "-_" + m.substring(mid + 2),           // URL-safe characters
                m.substring(0, mid + 2) + "é" + m.substring(mid + 3),        // a character outside ASCII
                "QUI=QUI=", "QUI", "QUJDRA", "QUJDRA=", "QUJDRA==", "=", "====", " QUI=", "QUI=\\n",
                m.substring(0, m.length() - 1),                              // padding cut short
                m.replace("=", "")));                                        // no padding
        for (String v : values) same("{\"media\":\"" + v + "\",\"segment_index\":1}");
    }

    @Test
    void documentsTheTapMustLeaveToJackson() {
        String m = b64(60_000, 2);
        for (String doc : List.of(
                "{\"media\":\"" + m + "\",\"media\":\"" + m + "\"}",                        // twice
                "{\"med\\u0069a\":\"" + m + "\"}",                                         // an escaped name
                "{\"note\":{\"media\":\"" + m + "\"},\"media\":\"QUJD\"}",                  // nested first
                "{\"note\":\"media\",\"media\":\"" + m + "\"}",                             // "media" as a value
                "{\"note\":\"x\\\"media\",\"media\":\"" + m + "\"}",                        // inside another string
                "{\"note\":\"media\":\"" + m + "\"}",                                      // not JSON
                "[{\"media\":\"" + m + "\"}]",                                              // not an object
                "{\"media\":" + m.length() + "}", "{\"media\":null}", "{\"media\":[\"" + m + "\"]}",
                "{\"media\":\"" + m,                                                        // the body ends in the value
                "{\"media\":\"" + m + "\"",                                                 // after it
                "{\"media\":\"" + m + "\"} trailing",
                "{\"media\":\"" + m + "\",\"unknown\":1}",
                "{\"unknown\":1,\"media\":\"" + m + "\"}",
                "{\"segment_index\":\"3\",\"media\":\"\"}", "{}", "", "{\"media\":\"" + m + "\"}{}",
                "{\"med\":\"QUJD\",\"media\":\"" + m + "\"}", "{\"mediax\":\"QUJD\",\"media\":\"" + m + "\"}",
                "{\"Media\":\"QUJD\",\"media\":\"" + m + "\"}", "{\"note\":[\"media\",\"QUJD\"],\"media\":\"QUI=\"}")) {
            same(doc);
        }
    }

    @Test
    void randomDocumentsOfFragments() {
        String[] parts = {"{", "}", "[", "]", ",", ":", " ", "\n", "\"", "\\", "\"media\"", "\"media\":\"", "\"note\"",
            "\"segment_index\":2", "QUJD", "QUI=", "=", "\\/", "\\u0041", "-", "1", "null", "é", b64(9000, 3), b64(5, 4)};
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            var sb = new StringBuilder(r.nextBoolean() ? "{\"media\":\"" : "{");
            for (int k = r.nextInt(12); k > 0; k--) sb.append(parts[r.nextInt(parts.length)]);
            if (r.nextBoolean()) sb.append("\"}");
            same(sb.toString());
        }
    }

    @Test
    void theDelimiterSearchFindsEachByteWhereverItIs() {
        byte[] b = b64(99, 5).getBytes(StandardCharsets.US_ASCII);
        for (byte d : new byte[]{'"', '\\', '=', ' ', '\n', 0, 0x1f}) {
            for (int at = 0; at < b.length; at++) {
                byte[] c = b.clone();
                c[at] = d;
                assertThat(Base64Tap.delimiter(c, 0, c.length, true)).isEqualTo(at);
                assertThat(Base64Tap.delimiter(c, 0, c.length, false)).isEqualTo(d == '"' || d == '\\' ? at : c.length);
            }
        }
        byte[] high = new byte[64];
        java.util.Arrays.fill(high, (byte) 0xc3); // bytes above 0x7f are not delimiters (UTF-8 in a string)
        assertThat(Base64Tap.delimiter(high, 0, high.length, true)).isEqualTo(high.length);
    }
}
