package dev.mediaup.api.wire;

import dev.mediaup.core.Problems;
import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON body that carries media as a base64 string ({@code {"media": "…", "segment_index": 0}}, X's JSON append and
 * one-shot upload), decoded while it streams: the media never sits in memory whole, whatever the segment size.
 */
public final class JsonMediaBody {
    private JsonMediaBody() {}

    /**
     * A JSON object whose {@code media} member is base64, decoded straight into {@code out} while it streams; the
     * other members (scalars only) are collected. The value's plain base64 is decoded in bulk on its way to Jackson
     * ({@link Base64Tap}); Jackson decodes the rest of it, from the first character that is not.
     */
    public static Map<String, JsonNode> read(Context ctx, OutputStream storage, Set<String> allowed) throws IOException {
        return read(Bodies.requestBody(ctx), storage, allowed);
    }

    /** The same, from any stream (the request's body). */
    public static Map<String, JsonNode> read(InputStream body, OutputStream storage, Set<String> allowed) throws IOException {
        return read(body, storage, allowed, true);
    }

    /** {@code tap}: whether plain base64 is decoded in bulk; without, Jackson decodes all of it (what the tap must equal). */
    static Map<String, JsonNode> read(InputStream body, OutputStream storage, Set<String> allowed, boolean tap) throws IOException {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        boolean media = false;
        // Jackson wraps every IOException, the storage's included: remember the storage's so it is not blamed on the client
        IOException[] storageFailure = new IOException[1];
        OutputStream out = new FilterOutputStream(storage) {
            @Override public void write(byte[] b, int off, int len) throws IOException {
                try {
                    storage.write(b, off, len);
                } catch (IOException e) {
                    storageFailure[0] = e;
                    throw e;
                }
            }
        };
        try (JsonParser p = Wire.JSON.createParser(tap ? new Base64Tap(body, out) : body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw Problems.notJsonObject();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t == null) throw Problems.bodyEndedEarly();
                String name = p.currentName();
                p.nextToken();
                if (name.equals("media")) {
                    if (media) throw Problems.repeated("media");
                    if (p.currentToken() != JsonToken.VALUE_STRING) throw Problems.mustBe("media", null, Problems.Form.STRING);
                    media = true;
                    try {
                        p.readBinaryValue(out);
                    } catch (JacksonException e) {
                        if (storageFailure[0] != null) throw storageFailure[0];
                        throw Problems.notBase64("media", Bodies.inClientTerms(e));
                    }
                } else {
                    if (!allowed.contains(name)) throw Problems.unknownParameter(name, null, "this request");
                    JsonNode v = p.readValueAsTree();
                    if (fields.put(name, v) != null) throw Problems.repeated(name);
                }
            }
            if (p.nextToken() != null) throw Problems.notJson("unexpected content after the JSON object.");
        } catch (JacksonException e) {
            if (storageFailure[0] != null) throw storageFailure[0];
            throw Problems.notJson(Bodies.inClientTerms(e));
        }
        if (!media) throw Problems.required("media");
        return fields;
    }
}
