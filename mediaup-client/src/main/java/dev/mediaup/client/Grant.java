package dev.mediaup.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An upload grant (mediaup extension): a credential a backend hands to a browser or app for a few uploads, instead
 * of its own token. {@code token} is set only in the answer to {@link MediaClient.Grants#create} (it is stored hashed
 * and never shown again); {@code uploads} (id, media_key, state of each upload started with it) only when one grant is
 * read with {@link MediaClient.Grants#get}.
 */
public record Grant(String id, String token, String state, String mediaCategory, int uploadsAllowed, int uploadsStarted,
                    long expiresAt, List<Map<String, Object>> uploads) {

    @SuppressWarnings("unchecked")
    static Grant from(Map<String, Object> d) {
        return new Grant((String) d.get("id"), (String) d.get("token"), (String) d.get("state"), (String) d.get("media_category"),
                (int) Media.num(d.get("uploads_allowed")), (int) Media.num(d.get("uploads_started")), Media.num(d.get("expires_at")),
                d.get("uploads") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of());
    }

    /** What to grant: uploads of one category, optionally narrowed. Unset fields take the server's defaults. */
    public static final class Request {
        final Map<String, Object> body = new LinkedHashMap<>();

        private Request(String mediaCategory) {
            body.put("media_category", mediaCategory);
        }

        public static Request of(String mediaCategory) {
            return new Request(mediaCategory);
        }

        public Request mediaTypes(String... types) { body.put("media_types", List.of(types)); return this; }

        public Request maxBytes(long bytes) { body.put("max_bytes", bytes); return this; }

        public Request maxDurationSecs(long secs) { body.put("max_duration_secs", secs); return this; }

        public Request uploads(int count) { body.put("uploads", count); return this; }

        public Request expiresInSecs(long secs) { body.put("expires_in_secs", secs); return this; }

        public Request allowedOrigins(String... origins) { body.put("allowed_origins", List.of(origins)); return this; }

        public Request shared(boolean shared) { body.put("shared", shared); return this; }

        public Request additionalOwners(String... userIds) {
            body.put("additional_owners", new ArrayList<>(List.of(userIds)));
            return this;
        }
    }
}
