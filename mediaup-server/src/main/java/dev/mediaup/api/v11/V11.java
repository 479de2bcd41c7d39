package dev.mediaup.api.v11;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.CommandForm;
import dev.mediaup.api.wire.MultipartBody;
import dev.mediaup.api.wire.ReprDigest;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Upload;
import dev.mediaup.media.MediaService;
import dev.mediaup.upload.UploadService.OneShotRequest;
import dev.mediaup.upload.UploadService;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The retired v1.1 media API (upload.json, metadata/create.json, subtitles/create.json and delete.json) for the
 * clients that still speak it — twitter4j, tweepy, old bots. A second wire format over the same engine: parameters
 * as form fields or query parameters, top-level media_id / media_id_string, an empty 2xx for APPEND, and v1.1's
 * {"errors":[{"code","message"}]}.
 */
public final class V11 {
    /** v1.1 allowed 5 MB per APPEND (configurable); as base64 in a form body that is a third more text. */
    private final int maxFormBody;
    private final long maxAppendBytes;
    private final UploadService uploads;
    private final MediaService media;
    private final Function<Context, Principal> writer;

    public V11(UploadService uploads, MediaService media, Function<Context, Principal> writer, long maxAppendBytes) {
        this.maxAppendBytes = maxAppendBytes;
        this.maxFormBody = (int) Math.min(Integer.MAX_VALUE - 16, maxAppendBytes * 4 / 3
                + 64 * 1024); // base64 of a segment, and the other fields
        this.uploads = uploads;
        this.media = media;
        this.writer = writer;
    }

    /** POST /1.1/media/upload.json: INIT, APPEND, FINALIZE, STATUS, or (no command) the simple upload. */
    public void upload(Context ctx) throws IOException {
        Principal who = writer.apply(ctx);
        Map<String, String> p = Bodies.query(ctx);
        switch (Bodies.mime(ctx)) {
            case "multipart/form-data" -> {
                MultipartBody mp = new MultipartBody(ctx);
                mp.toMedia();
                p.putAll(mp.fields);
                String command = p.get("command");
                if (mp.hasMedia() && command == null) {
                    finished(ctx, uploads.oneShot(who, ctx.req().getContentLengthLong(), mp::mediaTo, () -> simple(p, mp.fields),
                            ReprDigest.sha256(ctx)), 200);
                    return;
                }
                if (mp.hasMedia() && command.equals("APPEND")) {
                    append(ctx, who, p, mp::mediaTo, () -> p.putAll(mp.fields));
                    return;
                }
                if (mp.hasMedia()) throw Problems.mediaNotAllowed("APPEND and the simple upload");
            }
            case "application/x-www-form-urlencoded" -> p.putAll(Bodies.form(formBody(ctx)));
            default -> { }
        }
        String command = p.get("command");
        if (command == null) {
            String data = p.get("media_data");
            if (data == null) throw Problems.requiredOneOf("media", "media_data");
            finished(ctx, uploads.oneShot(who, data.length(), out -> out.write(base64(data)), () -> simple(p, p), ReprDigest.sha256(ctx)),
                    200);
            return;
        }
        switch (CommandForm.decode(p, CommandForm.Tolerance.LENIENT)) {
            case CommandForm.Init init -> {
                Upload u = uploads.initialize(who, init.request().withDeclaredSha256(ReprDigest.sha256(ctx)));
                if (u.declaredSha256() != null && uploads.holds(who, u)) ctx.header(ReprDigest.HELD_HEADER, "?1");
                ctx.status(202).contentType("application/json").result(Wire.JSON.writeValueAsBytes(ids(u, Wire.initialized(u,
                        u.createdAt()))));
            }
            case CommandForm.Append a -> {
                String data = p.get("media_data");
                if (data == null) throw Problems.requiredOneOf("media", "media_data");
                append(ctx, who, p, out -> out.write(base64(data)), () -> { });
            }
            case CommandForm.Finalize f -> finished(ctx, uploads.finalizeUpload(who, f.mediaId()), 201);
            case CommandForm.Status s -> finished(ctx, uploads.status(who, s.mediaId()), 200);
            case CommandForm.OneShot o -> throw Problems.required("command"); // handled above: a command is present here
        }
    }

    /** GET /1.1/media/upload.json?command=STATUS&media_id=… */
    public void status(Context ctx) {
        Principal who = writer.apply(ctx);
        String command = ctx.queryParam("command");
        if (!"STATUS".equals(command)) throw Problems.statusOnly(command);
        finished(ctx, uploads.status(who, Bodies.mediaId(ctx.queryParam("media_id"), "media_id")), 200);
    }

    private void append(Context ctx, Principal who, Map<String, String> p, BodyWriter body, Runnable afterBody) {
        Upload u = uploads.appendable(who, Bodies.mediaId(p.get("media_id"), "media_id"));
        uploads.append(u, () -> { afterBody.run(); return Bodies.segmentIndex(p.get("segment_index")); }, Bodies.checksum(ctx), -1,
                maxAppendBytes, body);
        ctx.status(204); // v1.1 answers APPEND with an empty 2xx
    }

    private static OneShotRequest simple(Map<String, String> p, Map<String, String> fields) {
        String category = p.getOrDefault("media_category", "tweet_image");
        return new OneShotRequest(Bodies.category(category, true), Bodies.owners(p.get("additional_owners")));
    }

    private byte[] formBody(Context ctx) {
        return Bodies.small(ctx, maxFormBody);
    }

    public int maxFormBody() {
        return maxFormBody;
    }

    /**
     * media_data: base64, which clients may wrap in lines (skipped) and whose '+' a form body turns into a space when the
     * client did not escape it (read back as '+'). Anything else outside the alphabet is refused — the MIME decoder
     * skipped it, so "%%%" became zero bytes and was appended as an empty segment.
     */
    private static byte[] base64(String data) {
        try {
            return Base64.getDecoder().decode(LINE_BREAKS.matcher(data).replaceAll("").replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            throw Problems.notBase64("media_data", null);
        }
    }

    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n\\t]");

    /** v1.1's statuses: 201 for FINALIZE, 200 for STATUS and the simple upload (INIT 202 and APPEND 204 above). */
    private void finished(Context ctx, Upload u, int status) {
        ctx.status(status).contentType("application/json").result(Wire.JSON.writeValueAsBytes(ids(u, Wire.mediaV11(u, uploads.now()))));
    }

    /** v1.1's identity fields: media_id as a number and as a string, in front of the rest. */
    private static Map<String, Object> ids(Upload u, Map<String, Object> v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("media_id", u.id());
        m.put("media_id_string", u.idString());
        v2.remove("id");
        m.putAll(v2);
        return m;
    }

    // ---- metadata and subtitles ----

    /** POST /1.1/media/metadata/create.json {"media_id": "…", "alt_text": {"text": "…"}} */
    public void metadata(Context ctx) {
        Principal who = writer.apply(ctx);
        JsonNode b = Bodies.json(Bodies.small(ctx));
        long id = Bodies.mediaId(text(b, "media_id"), "media_id");
        ObjectNode additions = Wire.JSON.createObjectNode();
        b.properties().forEach(e -> { if (!e.getKey().equals("media_id")) additions.set(e.getKey(), e.getValue()); });
        JsonNode alt = additions.path("alt_text").path("text");
        if (additions.has("alt_text") && (!alt.isString() || alt.asString().length() > 1000))
            throw Problems.altText();
        media.mergeMetadata(who, id, additions);
        ctx.status(200); // v1.1 answers with an empty 200
    }

    /** POST /1.1/media/subtitles/create.json and delete.json. */
    public void subtitles(Context ctx, boolean create) {
        Principal who = writer.apply(ctx);
        JsonNode b = Bodies.json(Bodies.small(ctx));
        long video = Bodies.mediaId(text(b, "media_id"), "media_id");
        String category = text(b, "media_category");
        JsonNode subs = b.path("subtitle_info").path("subtitles");
        if (!subs.isArray() || subs.isEmpty()) throw Problems.mustBe("subtitle_info", null,
                Problems.Form.SUBTITLE_TRACKS);
        for (JsonNode s : subs) {
            String lang = text(s, "language_code");
            if (!lang.matches("[A-Z]{2}")) throw Problems.languageCode(lang);
            if (create) media.attachSubtitles(who, video, category, Bodies.mediaId(text(s, "media_id"), "media_id"), lang,
                    s.path("display_name").isString() ? s.get("display_name").asString() : null);
            else media.detachSubtitles(who, video, category, lang);
        }
        ctx.status(200);
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) throw Problems.required(name);
        return v.isNumber() ? v.asString() : v.isString() ? v.asString() : v.toString();
    }

}
