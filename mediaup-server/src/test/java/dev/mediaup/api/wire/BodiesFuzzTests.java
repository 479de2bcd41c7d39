package dev.mediaup.api.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.api.tus.Tus;
import dev.mediaup.core.Problem;
import dev.mediaup.fuzz.Fuzzing;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Request bodies and parameters from clients: multipart (media as bytes or as v1.1's base64 media_data), JSON with
 * streaming base64 media, JSON request objects, form and command-form parameters. Seeds in BodiesFuzzTestsInputs;
 * {@code ./mvnw test} replays them, {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='BodiesFuzzTests#multipart'} fuzzes.
 */
class BodiesFuzzTests {
    private static final Set<String> APPEND_FIELDS = Set.of("segment_index", "media_category", "media_type", "additional_owners", "shared");

    @FuzzTest(maxDuration = "60s")
    void multipart(FuzzedDataProvider d) throws Exception {
        String contentType = "multipart/form-data; boundary=" + d.consumeString(72);
        byte[] body = d.consumeRemainingAsBytes();
        Fuzzing.bounded(() -> {
            var mp = new MultipartBody(contentType, new ByteArrayInputStream(body));
            if (mp.toMedia()) mp.mediaTo(OutputStream.nullOutputStream());
            Map<String, String> fields = mp.fields;
            if (fields.containsKey("segment_index")) Bodies.segmentIndex(fields.get("segment_index"));
            if (fields.containsKey("command")) Bodies.initFromParams(fields);
        }, Problem.class);
    }

    @FuzzTest(maxDuration = "60s")
    void jsonWithMedia(byte[] body) throws Exception {
        Fuzzing.bounded(() -> {
            Map<String, JsonNode> fields = JsonMediaBody.read(new ByteArrayInputStream(body), OutputStream.nullOutputStream(), APPEND_FIELDS);
            Bodies.segmentIndex(fields.get("segment_index"));
        }, Problem.class);
    }

    /** The bulk base64 decoding changes nothing: the same bytes, fields and problem as Jackson decoding it all. */
    @FuzzTest(maxDuration = "60s")
    void jsonMediaTapped(byte[] body) throws Exception {
        assertEquals(outcome(body, false), outcome(body, true));
    }

    private static String outcome(byte[] body, boolean tap) throws Exception {
        var media = new java.io.ByteArrayOutputStream();
        try {
            Map<String, JsonNode> fields = JsonMediaBody.read(new ByteArrayInputStream(body), media, APPEND_FIELDS, tap);
            return java.util.HexFormat.of().formatHex(media.toByteArray()) + " " + fields;
        } catch (Problem p) {
            return p.code + " " + p.getMessage();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void jsonRequest(byte[] body) throws Exception {
        Fuzzing.bounded(() -> Bodies.initFromJson(Bodies.json(body)), Problem.class);
    }

    /** tus's headers: Upload-Metadata (key base64 pairs), Upload-Checksum, and the grant request body. */
    @FuzzTest(maxDuration = "60s")
    void tusHeadersAndGrantRequests(FuzzedDataProvider d) throws Exception {
        String metadata = d.consumeString(512), checksum = d.consumeString(128);
        byte[] grant = d.consumeRemainingAsBytes();
        Fuzzing.bounded(() -> UploadMetadata.parse(metadata), Problem.class);
        Fuzzing.bounded(() -> Tus.checksum(checksum), Problem.class);
        Fuzzing.bounded(() -> Bodies.grantFromJson(Bodies.json(grant)), Problem.class);
    }

    @FuzzTest(maxDuration = "60s")
    void formParameters(byte[] body) throws Exception {
        Fuzzing.bounded(() -> {
            Map<String, String> p = Bodies.form(body);
            if (p.containsKey("media_id")) Bodies.mediaId(p.get("media_id"), "media_id");
            if (p.containsKey("segment_index")) Bodies.segmentIndex(p.get("segment_index"));
            Bodies.initFromParams(p);
        }, Problem.class);
    }
}
