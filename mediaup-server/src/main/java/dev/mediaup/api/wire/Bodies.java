package dev.mediaup.api.wire;

import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.core.Category;
import dev.mediaup.core.MediaId;
import dev.mediaup.core.MediaTypes;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Problems.Form;
import dev.mediaup.upload.GrantService;
import dev.mediaup.upload.UploadService.Checksum;
import dev.mediaup.upload.UploadService.InitRequest;
import io.javalin.http.Context;
import org.eclipse.jetty.util.UrlEncoded;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies, read the way X's clients send them: small JSON and form bodies read whole (bounded), and the typed
 * requests decoded from them. Media is read as a stream by {@link MultipartBody} (Jetty's push parser) and
 * {@link JsonMediaBody} (Jackson's incremental base64 decoder), so memory stays bounded whatever the segment size.
 */
public final class Bodies {
    public static final int MAX_SMALL_BODY = 64 * 1024;
    public static final int MAX_FIELD = 8 * 1024;
    private static final long MAX_TOTAL_BYTES = 17179869184L;
    private static final int COPY_BUFFER = 256 * 1024;

    private Bodies() {}

    public static String mime(Context ctx) {
        String ct = ctx.header("Content-Type");
        if (ct == null) return "";
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Where a form body read early (OAuth 1.0a signs form fields) waits for its handler. */
    public static final String FORM_BODY = "mediaup.formBody";

    public static byte[] small(Context ctx) {
        return small(ctx, MAX_SMALL_BODY);
    }

    /** The whole body, at most {@code limit} bytes (413 beyond); a form body already read for OAuth 1.0a is reused. */
    public static byte[] small(Context ctx, int limit) {
        byte[] early = ctx.attribute(FORM_BODY);
        if (early != null) return early;
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw Problems.bodyTooLarge(limit);
        try (InputStream in = ctx.req().getInputStream()) {
            // a declared length is what the server lets through (no more): read just that, not into a 16 KiB first block
            byte[] b = in.readNBytes(declared >= 0 ? (int) declared : limit + 1);
            if (b.length > limit)
                throw Problems.bodyTooLarge(limit);
            return b;
        } catch (IOException e) {
            throw Problems.bodyUnreadable();
        }
    }

    public static JsonNode json(byte[] body) {
        if (body.length == 0) throw Problems.bodyRequired();
        try {
            JsonNode n = Wire.JSON.readTree(body);
            if (n == null || !n.isObject()) throw Problems.notJsonObject();
            refuseLoneSurrogates(n, "");
            return n;
        } catch (JacksonException e) {
            throw Problems.notJson(inClientTerms(e));
        }
    }

    /**
     * What the JSON parser found wrong, in the client's terms: its limits are named by what they limit (nesting depth,
     * number or string length) with the values, never by the parser's own classes and methods.
     */
    public static String inClientTerms(JacksonException e) {
        String m = String.valueOf(e.getOriginalMessage());
        m = m.replaceAll(",? ?from `[^`]*`", "");
        return m.replaceAll("`?(?:tools\\.jackson|com\\.fasterxml)\\.[A-Za-z0-9_.$]+`?", "the parser").trim();
    }

    /**
     * JSON may escape half of a UTF-16 pair ("\ud800") where UTF-8 has no such character: stored, it would come back as
     * "?". Such text is refused, naming where it is, rather than silently changed.
     */
    private static void refuseLoneSurrogates(JsonNode n, String path) {
        if (n.isString()) {
            String s = n.asString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
                else if (Character.isSurrogate(c))
                    throw Problems.loneSurrogate(path, c);
            }
        } else if (n.isObject()) {
            for (var e : n.properties()) refuseLoneSurrogates(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) refuseLoneSurrogates(n.get(i), path + "[" + i + "]");
        }
    }

    /**
     * An application/x-www-form-urlencoded body as name/value pairs, in order, duplicates kept (Jetty's decoder, strict:
     * a bad percent escape or bytes that are not UTF-8 make the body unusable, never silently replaced characters).
     */
    public static List<String[]> formPairs(byte[] body) {
        List<String[]> pairs = new ArrayList<>();
        String s = new String(body, StandardCharsets.UTF_8);
        try {
            UrlEncoded.decodeUtf8To(s, 0, s.length(), (k, v) -> pairs.add(new String[]{k, v == null ? "" : v}), false, false, false);
        } catch (IllegalArgumentException e) {
            throw Problems.notForm();
        }
        return pairs;
    }

    public static Map<String, String> form(byte[] body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] p : formPairs(body)) m.putIfAbsent(p[0], p[1]);
        return m;
    }

    public static Map<String, String> query(Context ctx) {
        Map<String, String> m = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> { if (!v.isEmpty()) m.put(k, v.getFirst()); });
        return m;
    }

    // ---- typed records from bodies. JSON ones come checked against their schema (RequestSchemas: unknown fields,
    // bounds, patterns); the readers still refuse a value of the wrong type, so they are safe on their own (the fuzz
    // targets call them directly), and add the rules a schema cannot say. The command form's strings are checked here ----

    /** initialize's JSON body (X's InitializeMediaUploadRequest); media_type, optional in X's document, is required. */
    public static InitRequest initFromJson(JsonNode n) {
        String type = requiredString(n, "media_type");
        Category cat = n.has("media_category") ? category(requiredString(n, "media_category"), false) : null;
        Long total = null;
        if (n.has("total_bytes")) {
            JsonNode t = n.get("total_bytes");
            if (!t.isIntegralNumber() || !t.canConvertToLong()) throw Problems.mustBe("total_bytes", text(t), Form.INTEGER);
            total = totalBytes(t.asLong());
        }
        return new InitRequest(mediaType(type), cat, total, bool(n, "shared"), strings(n, "additional_owners", Form.USER_IDS));
    }

    /** An optional true/false field; absent is false. */
    private static boolean bool(JsonNode n, String name) {
        if (!n.has(name)) return false;
        if (!n.get(name).isBoolean()) throw Problems.mustBe(name, text(n.get(name)), Form.BOOLEAN);
        return n.get(name).asBoolean();
    }

    /** An optional array of strings; absent is empty. */
    private static List<String> strings(JsonNode n, String name, Form form) {
        List<String> out = new ArrayList<>();
        if (!n.has(name)) return out;
        JsonNode a = n.get(name);
        if (!a.isArray()) throw Problems.mustBe(name, text(a), form);
        for (JsonNode o : a) {
            if (!o.isString()) throw Problems.mustBe(name, text(o), form);
            out.add(o.asString());
        }
        return out;
    }

    /** An optional positive integer; absent is null. */
    private static Long positive(JsonNode n, String name) {
        if (!n.has(name)) return null;
        JsonNode v = n.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0)
            throw Problems.mustBe(name, text(v), Form.NON_NEGATIVE_INTEGER);
        return v.asLong();
    }

    /** The body of POST /2/media/upload/grants (extension; its schema bounds the numbers and the origins' form). */
    public static GrantService.GrantRequest grantFromJson(JsonNode n) {
        Category cat = category(requiredString(n, "media_category"), false);
        List<String> types = strings(n, "media_types", Form.MEDIA_TYPES);
        for (String t : types) mediaType(t);
        List<String> origins = strings(n, "allowed_origins", Form.ORIGINS);
        Long uploads = positive(n, "uploads");
        return new GrantService.GrantRequest(cat, types, positive(n, "max_bytes"), positive(n, "max_duration_secs"),
                uploads == null ? null : uploads.intValue(), positive(n, "expires_in_secs"), origins, bool(n, "shared"),
                strings(n, "additional_owners", Form.USER_IDS));
    }

    /** An administrator's new token: {"user_id", "scopes": [...], "expires_in_secs"?}. */
    public record TokenRequest(String userId, List<String> scopes, Long expiresInSecs) {}

    public static TokenRequest tokenFromJson(JsonNode n) {
        List<String> scopes = strings(n, "scopes", Form.SCOPES);
        if (!n.has("scopes")) scopes = OpaqueTokens.DEFAULT_SCOPES;
        return new TokenRequest(requiredString(n, "user_id"), scopes, positive(n, "expires_in_secs"));
    }

    /** An administrator's new OAuth app: {"name"}. */
    public static String appNameFromJson(JsonNode n) {
        for (String name : n.propertyNames())
            if (!name.equals("name")) throw Problems.unknownParameter(name, text(n.get(name)), "an app request");
        return requiredString(n, "name");
    }

    public static final Set<String> COMMAND_INIT_FIELDS = Set.of("command", "media_type", "total_bytes", "media_category",
            "additional_owners", "shared");

    public static InitRequest initFromParams(Map<String, String> p) {
        for (String name : p.keySet())
            if (!COMMAND_INIT_FIELDS.contains(name)) throw Problems.unknownParameter(name, p.get(name), "command INIT");
        String type = p.get("media_type");
        if (type == null || type.isEmpty()) throw Problems.required("media_type");
        Category cat = p.containsKey("media_category") ? category(p.get("media_category"), false) : null;
        Long total = null;
        if (p.containsKey("total_bytes")) {
            try {
                total = totalBytes(Long.parseLong(p.get("total_bytes")));
            } catch (NumberFormatException e) {
                throw Problems.mustBe("total_bytes", p.get("total_bytes"), Form.INTEGER);
            }
        }
        String s = p.getOrDefault("shared", "false");
        if (!s.equals("true") && !s.equals("false")) throw Problems.mustBe("shared", s, Form.BOOLEAN);
        return new InitRequest(mediaType(type), cat, total, s.equals("true"), owners(p.get("additional_owners")));
    }

    public static List<String> owners(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) return List.of();
        return Arrays.stream(commaSeparated.split(",", -1)).map(String::trim).toList();
    }

    private static long totalBytes(long t) {
        if (t < 0 || t > MAX_TOTAL_BYTES) throw Problems.outOfRange("total_bytes", t, 0, MAX_TOTAL_BYTES);
        return t;
    }

    public static String mediaType(String t) {
        if (!MediaTypes.ALL.contains(t))
            throw Problems.notOneOf("media_type", t, MediaTypes.ALL);
        return t;
    }

    /** The category enum; the one-shot upload's list lacks amplify_video. */
    public static Category category(String s, boolean oneShot) {
        return Category.parse(s).filter(c -> !(oneShot && c == Category.AMPLIFY_VIDEO))
                .orElseThrow(() -> Problems.notOneOf("media_category", s, oneShot
                        ? List.of("tweet_image", "tweet_video", "tweet_gif", "dm_image", "dm_video", "dm_gif", "subtitles")
                        : List.of("amplify_video", "tweet_gif", "tweet_image", "tweet_video", "dm_gif", "dm_image", "dm_video",
                        "subtitles")));
    }

    /** A string member of a streamed JSON body, or null when absent; any other JSON type is a 400. */
    public static String optionalString(Map<String, JsonNode> fields, String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isString()) throw Problems.mustBe(name, v.toString(), Form.STRING);
        return v.asString();
    }

    private static String requiredString(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) throw Problems.required(name);
        if (!v.isString()) throw Problems.mustBe(name, text(v), Form.STRING);
        return v.asString();
    }

    private static String text(JsonNode n) {
        return n == null ? null : n.isString() ? n.asString() : n.toString();
    }

    public static long mediaId(String raw, String parameter) {
        if (raw == null || raw.isEmpty()) throw Problems.required(parameter);
        if (!MediaId.wellFormed(raw)) throw Problems.mustBe(parameter, raw, Form.MEDIA_ID);
        return MediaId.parse(raw).orElseThrow(() -> Problems.notFound(parameter, raw)).value(); // beyond 2^63: nobody's
    }

    /** Extension: STATUS's wait_secs, 0 … 30 (a long poll); absent is 0. */
    public static Duration waitSecs(String raw) {
        if (raw == null) return Duration.ZERO;
        if (!raw.matches("[0-9]{1,2}") || Integer.parseInt(raw) > MAX_WAIT_SECS)
            throw Problems.outOfRange("wait_secs", raw, 0, MAX_WAIT_SECS);
        return Duration.ofSeconds(Integer.parseInt(raw));
    }

    public static final int MAX_WAIT_SECS = 30;

    public static int segmentIndex(String raw) {
        if (raw == null || raw.isEmpty()) throw Problems.required("segment_index");
        if (!raw.matches("[0-9]{1,4}") || Integer.parseInt(raw) > 999)
            throw Problems.segmentIndexRange(raw);
        return Integer.parseInt(raw);
    }

    /** The optional per-segment integrity headers (an extension; X clients send none). */
    public static Checksum checksum(Context ctx) {
        String md5 = ctx.header("Content-MD5");
        String sha = ctx.header("x-checksum-sha256");
        if (sha != null) return new Checksum("SHA-256", decodeDigest(sha, 32, "x-checksum-sha256"), "x-checksum-sha256");
        if (md5 != null) return new Checksum("MD5", decodeDigest(md5, 16, "Content-MD5"), "Content-MD5");
        return null;
    }

    private static byte[] decodeDigest(String v, int len, String header) {
        v = v.trim();
        try {
            byte[] b = v.length() == len * 2 && v.matches("[0-9a-fA-F]+") ? HexFormat.of().parseHex(v) : Base64.getDecoder().decode(v);
            if (b.length == len) return b;
        } catch (IllegalArgumentException ignored) { }
        throw Problems.mustBe(header, v, len == 32 ? Form.SHA256_DIGEST : Form.MD5_DIGEST);
    }

    // ---- streaming media ----

    public static InputStream requestBody(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw Problems.bodyUnreadable();
        }
    }

    /** Copies the request's media into storage; a read failure is the client's (400), a write failure the server's. */
    public static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                throw Problems.bodyEndedEarly();
            }
            if (n < 0) return;
            out.write(buf, 0, n);
        }
    }

    /** segment_index from JSON: an integer (a digit string is tolerated, as some clients send one). */
    public static int segmentIndex(JsonNode n) {
        if (n == null || n.isNull()) return segmentIndex((String) null);
        if (n.isIntegralNumber()) return segmentIndex(n.canConvertToInt() ? Integer.toString(n.asInt()) : n.toString());
        if (n.isString()) return segmentIndex(n.asString());
        throw Problems.segmentIndexRange(n.toString());
    }
}
