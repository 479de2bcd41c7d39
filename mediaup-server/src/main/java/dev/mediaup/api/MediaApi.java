package dev.mediaup.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mediaup.Problem;
import dev.mediaup.Problem.Kind;
import dev.mediaup.auth.Principal;
import dev.mediaup.media.MediaService;
import dev.mediaup.upload.Media.Upload;
import io.javalin.http.Context;
import org.eclipse.jetty.http.ByteRange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.function.Function;

/** The media-object endpoints (lookup, metadata, delete, listing) and delivery of the bytes. */
final class MediaApi {
    static final Set<String> FIELDS = Set.of("alt_text", "duration_ms", "height", "media_key", "non_public_metrics", "organic_metrics",
            "preview_image_url", "promoted_metrics", "public_metrics", "type", "url", "variants", "width");
    private static final List<String> DEFAULT_FIELDS = List.of("media_key", "type"); // what X answers without media.fields

    private final MediaService media;
    private final Function<Context, String> origin;
    private final Function<Context, Principal> principal;
    private final Schema metadataSchema;

    MediaApi(MediaService media, Function<Context, String> origin, Function<Context, Principal> principal, byte[] openapi) {
        this.media = media;
        this.origin = origin;
        this.principal = principal;
        ObjectNode root = (ObjectNode) Wire.JSON.readTree(openapi);
        root.put("$ref", "#/components/schemas/CreateMediaMetadataRequest");
        this.metadataSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root.toString());
    }

    private static Principal reader(Principal p) {
        if (!p.appOnly() && !p.has("tweet.read") && !p.has("users.read"))
            throw Problem.of(Kind.FORBIDDEN, "Looking media up needs the tweet.read (or users.read) scope.");
        return p;
    }

    // ---- lookup ----

    void lookupOne(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        String key = ctx.pathParam("media_key");
        checkKey("media_key", key);
        respond(ctx, media.lookup(who, List.of(key)), fields(ctx), "media_key", false);
    }

    void lookupMany(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        String raw = ctx.queryParam("media_keys");
        if (raw == null || raw.isBlank()) throw Problem.invalid("media_keys", null, "media_keys is required.");
        List<String> keys = Arrays.stream(raw.split(",", -1)).map(String::trim).toList();
        if (keys.size() > 100) throw Problem.invalid("media_keys", raw, "At most 100 media_keys per request.");
        keys.forEach(k -> checkKey("media_keys", k));
        respond(ctx, media.lookup(who, keys.stream().distinct().toList()), fields(ctx), "media_keys", true);
    }

    private static void checkKey(String parameter, String key) {
        if (!key.matches("[0-9]+_[0-9]+"))
            throw Problem.invalid(parameter, key, "The `" + parameter + "` query parameter value [" + key + "] does not match ^([0-9]+)_([0-9]+)$");
    }

    private static List<String> fields(Context ctx) {
        String raw = ctx.queryParam("media.fields");
        if (raw == null) return DEFAULT_FIELDS;
        List<String> f = Arrays.stream(raw.split(",", -1)).map(String::trim).toList();
        for (String x : f)
            if (!FIELDS.contains(x)) throw Problem.invalid("media.fields", x, "The `media.fields` query parameter value [" + x + "] is not one of "
                    + new TreeSet<>(FIELDS));
        Set<String> all = new LinkedHashSet<>(DEFAULT_FIELDS);
        all.addAll(f);
        return List.copyOf(all);
    }

    /** Like X: found media in data, the rest as resource-not-found problems in errors[], all with 200. */
    private void respond(Context ctx, MediaService.Found found, List<String> fields, String parameter, boolean many) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> data = found.media().stream().map(u -> mediaObject(ctx, u, fields)).toList();
        if (!data.isEmpty()) body.put("data", many ? data : data.getFirst());
        if (!found.missing().isEmpty())
            body.put("errors", found.missing().stream().map(k -> Wire.ordered("value", k, "detail", "Could not find media with " + parameter + ": [" + k + "].",
                    "title", "Not Found Error", "resource_type", "media", "parameter", parameter, "resource_id", k,
                    "type", Kind.NOT_FOUND.type)).toList());
        ctx.status(200).contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }

    /** X's Media object with the requested fields that we have; fields without data are left out, never invented. */
    private Map<String, Object> mediaObject(Context ctx, Upload u, List<String> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean ready = u.state() == dev.mediaup.upload.Media.State.SUCCEEDED;
        String url = ready ? origin.apply(ctx) + media.signedPath(u, MediaService.ORIGINAL) : null;
        boolean playable = u.wireType().equals("video") || u.wireType().equals("animated_gif");
        for (String f : fields) {
            switch (f) {
                case "media_key" -> m.put("media_key", u.mediaKey());
                case "type" -> m.put("type", u.wireType());
                case "width" -> { if (u.info().width() != null) m.put("width", u.info().width()); }
                case "height" -> { if (u.info().height() != null) m.put("height", u.info().height()); }
                case "duration_ms" -> { if (u.info().durationMs() != null) m.put("duration_ms", u.info().durationMs()); }
                case "url" -> { if (url != null && !playable) m.put("url", url); }
                case "variants" -> { if (url != null && playable) m.put("variants", List.of(Wire.ordered("content_type",
                        u.info().videoType() != null ? u.info().videoType() : u.mediaType(), "url", url))); }
                case "alt_text" -> altText(u).ifPresent(t -> m.put("alt_text", t));
                default -> { } // previews and metrics arrive with processing and analytics
            }
        }
        return m;
    }

    private static Optional<String> altText(Upload u) {
        if (u.metadataJson() == null) return Optional.empty();
        JsonNode t = Wire.JSON.readTree(u.metadataJson()).path("alt_text").path("text");
        return t.isString() ? Optional.of(t.asString()) : Optional.empty();
    }

    // ---- metadata ----

    void metadata(Context ctx, Principal who) {
        JsonNode body = Bodies.json(Bodies.small(ctx));
        List<Error> errors = metadataSchema.validate(body);
        if (!errors.isEmpty()) {
            Error e = errors.getFirst();
            String where = e.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
            throw Problem.invalid(where.isEmpty() ? "body" : where, e.getInstanceNode() == null ? null : e.getInstanceNode().toString(),
                    "Invalid metadata request: " + e.getMessage());
        }
        long id = Bodies.mediaId(body.get("id").asString(), "id");
        Upload u = media.owned(who, id);
        ObjectNode merged = u.metadataJson() == null ? Wire.JSON.createObjectNode() : (ObjectNode) Wire.JSON.readTree(u.metadataJson());
        if (body.has("metadata")) body.get("metadata").properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        media.setMetadata(who, id, merged.toString());
        Wire.data(ctx, Wire.ordered("id", Long.toString(id), "associated_metadata", merged));
    }

    // ---- extensions: delete, listing ----

    void delete(Context ctx, Principal who) {
        String key = ctx.pathParam("media_key");
        checkKey("media_key", key);
        media.delete(who, key);
        Wire.data(ctx, Map.of("deleted", true));
    }

    void mine(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        if (who.appOnly()) throw Problem.of(Kind.FORBIDDEN, "Listing one's media needs a user context.");
        int max = 10;
        String m = ctx.queryParam("max_results");
        if (m != null) {
            if (!m.matches("[0-9]{1,3}") || Integer.parseInt(m) < 1 || Integer.parseInt(m) > 100)
                throw Problem.invalid("max_results", m, "max_results must be an integer from 1 to 100.");
            max = Integer.parseInt(m);
        }
        String token = ctx.queryParam("pagination_token");
        Long before = token == null ? null : Bodies.mediaId(token, "pagination_token");
        List<Upload> page = media.mine(who, before, max + 1);
        boolean more = page.size() > max;
        if (more) page = page.subList(0, max);
        List<String> fields = fields(ctx);
        Map<String, Object> metaInfo = new LinkedHashMap<>();
        metaInfo.put("result_count", page.size());
        if (more) metaInfo.put("next_token", page.getLast().idString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", page.stream().map(u -> mediaObject(ctx, u, fields)).toList());
        body.put("meta", metaInfo);
        ctx.status(200).contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }

    // ---- delivery ----

    /**
     * GET/HEAD /media/{media_key}/{variant}: a signed URL, or the caller's own credentials. Strong ETag from the
     * segments' hashes, conditional requests, single and multiple byte ranges, streamed segment by segment.
     */
    void deliver(Context ctx, Principal whoOrNull, boolean head) throws IOException {
        Long exp = null;
        String e = ctx.queryParam("exp");
        if (e != null && e.matches("[0-9]{1,19}")) exp = Long.parseLong(e);
        var d = media.deliverable(ctx.pathParam("media_key"), ctx.pathParam("variant"), exp, ctx.queryParam("sig"), whoOrNull);
        ctx.header("ETag", d.etag());
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", whoOrNull == null ? "public, max-age=31536000, immutable" : "private, max-age=0");
        String inm = ctx.header("If-None-Match");
        if (inm != null && (inm.trim().equals("*") || Arrays.stream(inm.split(",")).map(String::trim).anyMatch(d.etag()::equals))) {
            ctx.status(304);
            return;
        }
        String range = ctx.header("Range");
        String ifRange = ctx.header("If-Range");
        if (range != null && (ifRange == null || ifRange.trim().equals(d.etag()))) {
            List<ByteRange> ranges = ByteRange.parse(List.of(range), d.size());
            if (ranges.isEmpty()) {
                ctx.status(416).header("Content-Range", ByteRange.toNonSatisfiableHeaderValue(d.size()));
                Wire.problem(ctx, new Problem(Kind.RANGE_NOT_SATISFIABLE, "The range " + range + " is outside the " + d.size() + " bytes of this media.", "Range", range));
                return;
            }
            if (ranges.size() == 1) {
                ByteRange r = ranges.getFirst();
                ctx.status(206).header("Content-Range", r.toHeaderValue(d.size()));
                send(ctx, d, head, r.first(), r.getLength(), d.contentType());
                return;
            }
            multipart(ctx, d, ranges, head);
            return;
        }
        ctx.status(200);
        send(ctx, d, head, 0, d.size(), d.contentType());
    }

    private void send(Context ctx, MediaService.Deliverable d, boolean head, long offset, long length, String type) throws IOException {
        ctx.res().setContentType(type);
        ctx.res().setContentLengthLong(length);
        if (head) return;
        try (InputStream in = media.open(d, offset, length)) {
            in.transferTo(ctx.res().getOutputStream());
        }
    }

    private void multipart(Context ctx, MediaService.Deliverable d, List<ByteRange> ranges, boolean head) throws IOException {
        String boundary = "mediaup" + Long.toHexString(new Random().nextLong());
        List<byte[]> heads = new ArrayList<>();
        long total = 0;
        for (ByteRange r : ranges) {
            byte[] h = ("\r\n--" + boundary + "\r\nContent-Type: " + d.contentType() + "\r\nContent-Range: " + r.toHeaderValue(d.size()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            heads.add(h);
            total += h.length + r.getLength();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        ctx.status(206);
        ctx.res().setContentType("multipart/byteranges; boundary=" + boundary);
        ctx.res().setContentLengthLong(total + tail.length);
        if (head) return;
        OutputStream out = ctx.res().getOutputStream();
        for (int i = 0; i < ranges.size(); i++) {
            out.write(heads.get(i));
            try (InputStream in = media.open(d, ranges.get(i).first(), ranges.get(i).getLength())) {
                in.transferTo(out);
            }
        }
        out.write(tail);
    }
}
