package dev.mediaup.api.wire;

import dev.mediaup.core.Category;
import dev.mediaup.core.Problem;
import dev.mediaup.core.ProblemCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streaming body parsers on their own: what arrives in odd pieces must come out whole, and bad bodies are 400s. */
class BodiesTest {

    /** A body that arrives a few bytes at a time, as a slow or fragmenting network delivers it. */
    static InputStream trickle(byte[] body, int maxChunk) {
        Random r = new Random(maxChunk);
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + r.nextInt(maxChunk)));
            }
        };
    }

    static byte[] media(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        // what looks like the start of a boundary inside the media must not end the part
        if (n >= 40) System.arraycopy("\r\n--xY\r\n-\r\n--x".getBytes(StandardCharsets.US_ASCII), 0, b, n / 2, 14);
        return b;
    }

    static byte[] multipart(String eol, byte[] media, String... fields) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2)
            out.writeBytes(("--xYz" + eol + "Content-Disposition: form-data; name=\"" + fields[i] + "\"" + eol + eol + fields[i + 1] + eol)
                    .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(("--xYz" + eol + "Content-Disposition: form-data; name=\"media\"; filename=\"blob\"" + eol
                + "Content-Type: application/octet-stream" + eol + eol).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(media);
        out.writeBytes((eol + "--xYz--" + eol).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 64, 70_000})
    void multipartMediaComesOutWholeWhateverTheReadSizes(int chunk) throws IOException {
        byte[] media = media(300_000);
        var mp = new MultipartBody("multipart/form-data; boundary=xYz", trickle(multipart("\r\n", media, "segment_index", "7"), chunk));
        assertThat(mp.toMedia()).isTrue();
        var sink = new ByteArrayOutputStream();
        mp.mediaTo(sink);
        assertThat(sink.toByteArray()).isEqualTo(media);
        assertThat(mp.fields).containsEntry("segment_index", "7");
    }

    @Test
    void jsonErrorsSpeakOfTheBodyNotOfTheParser() {
        for (String body : List.of("[".repeat(2000) + "]".repeat(2000), "{\"a\":" + "9".repeat(2000) + "}", "{\"a\":1,\"a\":2}", "{\"a\":tru}"))
            assertThatThrownBy(() -> Bodies.json(body.getBytes(StandardCharsets.UTF_8))).isInstanceOfSatisfying(Problem.class, p -> {
                assertThat(p.kind).isEqualTo(Problem.Kind.INVALID);
                assertThat(p.getMessage()).as(body.substring(0, Math.min(9, body.length()))).startsWith("The body is not valid JSON: ")
                        .doesNotContain("StreamReadConstraints").doesNotContain("jackson").doesNotContain("`").doesNotContain("()");
            });
        assertThatThrownBy(() -> Bodies.json(("[".repeat(2000) + "]".repeat(2000)).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("nesting depth");
    }

    @Test
    void fieldsAfterTheMediaAreReadToo() throws IOException {
        byte[] media = media(10_000);
        var body = new ByteArrayOutputStream();
        body.writeBytes(multipart("\r\n", media));
        byte[] withTrailingField = new String(body.toByteArray(), StandardCharsets.ISO_8859_1)
                .replace("--xYz--\r\n", "--xYz\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n2\r\n--xYz--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        var mp = new MultipartBody("multipart/form-data; boundary=\"xYz\"", trickle(withTrailingField, 5));
        mp.toMedia();
        var sink = new ByteArrayOutputStream();
        mp.mediaTo(sink);
        assertThat(sink.toByteArray()).isEqualTo(media);
        assertThat(mp.fields).containsEntry("segment_index", "2");
    }

    @Test
    void bareLfLineEndingsAreAccepted() throws IOException {
        byte[] media = "just some bytes".getBytes(StandardCharsets.US_ASCII);
        var mp = new MultipartBody("multipart/form-data; boundary=xYz", trickle(multipart("\n", media, "command", "APPEND"), 2));
        mp.toMedia();
        var sink = new ByteArrayOutputStream();
        mp.mediaTo(sink);
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo("just some bytes");
        assertThat(mp.fields).containsEntry("command", "APPEND");
    }

    @Test
    void aMultipartBodyThatStopsEarlyIsTheClientsError() {
        byte[] whole = multipart("\r\n", media(5000));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 20);
        var mp = new MultipartBody("multipart/form-data; boundary=xYz", new ByteArrayInputStream(cut));
        assertThatThrownBy(() -> {
            mp.toMedia();
            mp.mediaTo(new ByteArrayOutputStream());
        }).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind).isEqualTo(Problem.Kind.INVALID));
    }

    @Test
    void aMultipartTypeWithoutBoundaryIsRefused() {
        assertThatThrownBy(() -> new MultipartBody("multipart/form-data", InputStream.nullInputStream()))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.parameter).isEqualTo("Content-Type"));
    }

    @Test
    void twoMediaPartsAreRefused() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nA\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nB\r\n--b--\r\n";
        var mp = new MultipartBody("multipart/form-data; boundary=b", new ByteArrayInputStream(body.getBytes()));
        assertThatThrownBy(() -> {
            mp.toMedia();
            mp.mediaTo(new ByteArrayOutputStream());
        }).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code).isEqualTo(ProblemCode.REPEATED_PARAMETER));
    }

    // ---- JSON with base64 media ----

    static String json(String base64) {
        return "{\"segment_index\": 3, \"media\": \"" + base64 + "\"}";
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 100, 255, 256, 257})
    void base64MediaDecodesWhileStreamingWithAnyPadding(int n) throws IOException {
        byte[] media = media(Math.max(n, 13));
        String b64 = Base64.getEncoder().encodeToString(media);
        var sink = new ByteArrayOutputStream();
        var fields = JsonMediaBody.read(trickle(json(b64).getBytes(StandardCharsets.US_ASCII), 3), sink, Set.of("segment_index"));
        assertThat(sink.toByteArray()).isEqualTo(media);
        assertThat(fields.get("segment_index").asInt()).isEqualTo(3);
    }

    @Test
    void base64WithoutItsPaddingIsAClear400() {
        String unpadded = Base64.getEncoder().withoutPadding().encodeToString(new byte[]{1, 2, 3, 4});
        assertThatThrownBy(() -> JsonMediaBody.read(new ByteArrayInputStream(json(unpadded).getBytes()), new ByteArrayOutputStream(),
                Set.of("segment_index")))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.parameter).isEqualTo("media");
                    assertThat(p.detail()).contains("padding");
                });
    }

    @Test
    void escapedLineBreaksInsideBase64AreSkippedAsMimeWrapping() throws IOException {
        byte[] media = media(200);
        String wrapped = Base64.getMimeEncoder().encodeToString(media).replace("\r\n", "\\n");
        var sink = new ByteArrayOutputStream();
        JsonMediaBody.read(new ByteArrayInputStream(json(wrapped).getBytes()), sink, Set.of("segment_index"));
        assertThat(sink.toByteArray()).isEqualTo(media);
    }

    @Test
    void badBase64IsA400NamingMedia() {
        assertThatThrownBy(() -> JsonMediaBody.read(new ByteArrayInputStream(json("***notbase64***").getBytes()),
                new ByteArrayOutputStream(), Set.of("segment_index")))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.kind).isEqualTo(Problem.Kind.INVALID);
                    assertThat(p.parameter).isEqualTo("media");
                });
    }

    @Test
    void unknownAndRepeatedJsonFieldsAreRefused() {
        assertThatThrownBy(() -> JsonMediaBody.read(new ByteArrayInputStream("{\"media\":\"AA==\",\"x\":1}".getBytes()),
                new ByteArrayOutputStream(), Set.of("segment_index")))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.parameter).isEqualTo("x"));
        assertThatThrownBy(() -> JsonMediaBody.read(new ByteArrayInputStream("{\"segment_index\":1}".getBytes()),
                new ByteArrayOutputStream(), Set.of("segment_index")))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.detail()).isEqualTo("media is required."));
    }

    // ---- scalar parameters ----

    @Test
    void segmentIndexIsAnIntegerFrom0To999() {
        assertThat(Bodies.segmentIndex("0")).isZero();
        assertThat(Bodies.segmentIndex("999")).isEqualTo(999);
        for (String bad : new String[]{"1000", "-1", "1.5", "x", "99999999999"})
            assertThatThrownBy(() -> Bodies.segmentIndex(bad)).as(bad).isInstanceOf(Problem.class);
    }

    @Test
    void mediaIdsAreDigitsAndOneBeyondLongIsUnknownNotInvalid() {
        assertThat(Bodies.mediaId("1880028106020515840", "media_id")).isEqualTo(1880028106020515840L);
        assertThatThrownBy(() -> Bodies.mediaId("12a", "media_id"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind).isEqualTo(Problem.Kind.INVALID));
        assertThatThrownBy(() -> Bodies.mediaId("9999999999999999999", "media_id"))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.kind).isEqualTo(Problem.Kind.NOT_FOUND));
    }

    @Test
    void categoriesAreTheSpecsEnum() {
        assertThat(Bodies.category("tweet_video", false)).isEqualTo(Category.TWEET_VIDEO);
        assertThatThrownBy(() -> Bodies.category("TWEET_VIDEO", false)).isInstanceOf(Problem.class);
    }

    @Test
    void textWithAnUnpairedSurrogateIsRefusedNotMangled() {
        String alt = "{\"id\":\"1\",\"metadata\":{\"alt_text\":{\"text\":\"\\ud800 x\"}}}";
        assertThatThrownBy(() -> Bodies.json(alt.getBytes(StandardCharsets.UTF_8))).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.kind).isEqualTo(Problem.Kind.INVALID);
            assertThat(p.parameter).isEqualTo("metadata.alt_text.text");
        });
        String emoji = "{\"metadata\":{\"alt_text\":{\"text\":\"\\ud83d\\ude00 ok\"}},\"tags\":[\"\\udc00\"]}";
        assertThatThrownBy(() -> Bodies.json(emoji.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.parameter).isEqualTo("tags[0]"));
        assertThat(Bodies.json("{\"t\":\"\\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8)).get("t").asString()).isEqualTo("\uD83D\uDE00");
    }
}
