package dev.mediaup.api.wire;

import dev.mediaup.core.Problems;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * tus's Upload-Metadata header, which tus-js-client also sends in its IETF resumable-upload modes: how those clients
 * say what a file is ({@code filetype}) and, here, its media category.
 */
public final class UploadMetadata {
    private UploadMetadata() {}

    /** Upload-Metadata: comma-separated "key base64value" pairs (the value may be absent). */
    public static Map<String, String> parse(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) return out;
        if (header.length() > 4096)
            throw Problems.fieldTooLong("Upload-Metadata");
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", 2);
            if (kv[0].isEmpty() || !kv[0].matches("[!-+--~]+") || out.containsKey(kv[0]))
                throw Problems.mustBe("Upload-Metadata", header, Problems.Form.TUS_METADATA);
            try {
                out.put(kv[0], kv.length < 2 ? "" : new String(Base64.getDecoder().decode(kv[1].trim()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw Problems.notBase64("Upload-Metadata " + kv[0], null);
            }
        }
        return out;
    }
}
