package dev.mediaup.api.v2;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.ReprDigest;
import dev.mediaup.api.wire.RequestSchemas;
import dev.mediaup.api.wire.CommandForm;
import dev.mediaup.api.wire.JsonMediaBody;
import dev.mediaup.api.wire.MultipartBody;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Upload;
import dev.mediaup.upload.StatusWatch;
import dev.mediaup.upload.UploadService.OneShotRequest;
import dev.mediaup.upload.UploadService;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * X's v2 upload endpoints on the wire — initialize, append (multipart, base64 JSON, or raw octets), finalize, STATUS
 * (with mediaup's long poll), and {@code POST /2/media/upload} as the one-shot upload or the INIT/APPEND/FINALIZE
 * command form — plus mediaup's segments listing and event stream. Each handler turns its request into one
 * {@link UploadService} call and renders X's answer.
 */
public final class V2Api {
    private static final Set<String> APPEND_JSON_FIELDS = Set.of("segment_index");
    private static final Set<String> ONE_SHOT_FIELDS = Set.of("media_category", "additional_owners", "shared");
    private static final Set<String> APPEND_FIELDS = Set.of("command", "media_id", "segment_index");
    /** A comment this often keeps an idle event stream open through proxies that close silent connections. */
    private static final Duration SSE_KEEPALIVE = Duration.ofSeconds(15);

    private final UploadService uploads;
    /** The caller, checked for a user context with media.write (the same rule as every upload endpoint). */
    private final Function<Context, Principal> writer;
    private final RequestSchemas schemas;

    public V2Api(UploadService uploads, Function<Context, Principal> writer, RequestSchemas schemas) {
        this.uploads = uploads;
        this.writer = writer;
        this.schemas = schemas;
    }

    public void initialize(Context ctx) {
        Principal who = writer.apply(ctx);
        var req = Bodies.initFromJson(schemas.valid(ctx, "InitializeMediaUploadRequest"));
        Upload u = initialized(ctx, who, req);
        Wire.data(ctx, Wire.initialized(u, u.createdAt())); // the whole window, as of its start
    }

    /** A new upload, with the whole file's SHA-256 when a Repr-Digest declares it (and then whether its owner holds it). */
    private Upload initialized(Context ctx, Principal who, UploadService.InitRequest req) {
        Upload u = uploads.initialize(who, req.withDeclaredSha256(ReprDigest.sha256(ctx)));
        if (u.declaredSha256() != null && uploads.holds(who, u)) ctx.header(ReprDigest.HELD_HEADER, "?1");
        return u;
    }

    public void append(Context ctx) throws IOException {
        Principal who = writer.apply(ctx);
        Upload u = uploads.appendable(who, Bodies.mediaId(ctx.pathParam("id"), "id"));
        long expiresAt = switch (Bodies.mime(ctx)) {
            case "multipart/form-data" -> appendMultipart(ctx, u, null);
            case "application/json" -> {
                Map<String, JsonNode> fields = new HashMap<>();
                yield uploads.append(u, () -> Bodies.segmentIndex(fields.get("segment_index")), Bodies.checksum(ctx), -1,
                        out -> fields.putAll(JsonMediaBody.read(ctx, out, APPEND_JSON_FIELDS)));
            }
            // extension: the raw segment as the body, segment_index in the query (no parsing at all)
            case "application/octet-stream" -> {
                int idx = Bodies.segmentIndex(ctx.queryParam("segment_index"));
                try (InputStream in = ctx.req().getInputStream()) {
                    yield uploads.append(u, () -> idx, Bodies.checksum(ctx), ctx.req().getContentLengthLong(), out -> Bodies.copy(in, out));
                } catch (IOException e) {
                    throw Problems.bodyUnreadable();
                }
            }
            default -> throw Problems.unsupportedContentType(ctx.header("Content-Type"), Problems.Expected.SEGMENT);
        };
        appended(ctx, expiresAt);
    }

    private void appended(Context ctx, long expiresAt) {
        Wire.data(ctx, Map.of("expires_at", expiresAt));
    }

    /** The command form answers on POST /2/media/upload, whose document requires the media's id in data. */
    private void appendedCommand(Context ctx, String mediaId, long expiresAt) {
        Wire.data(ctx, Wire.ordered("id", mediaId, "expires_at", expiresAt));
    }

    /** A multipart APPEND: fields (segment_index, and for the command form command/media_id) around one media part. */
    private long appendMultipart(Context ctx, Upload known, MultipartBody already) throws IOException {
        MultipartBody mp = already != null ? already : new MultipartBody(ctx);
        Map<String, String> query = Bodies.query(ctx);
        Upload u = known;
        if (already == null) mp.toMedia();
        if (!mp.hasMedia()) throw Problems.required("media");
        if (u == null) {
            String id = mp.fields.getOrDefault("media_id", query.get("media_id"));
            if (id == null) throw Problems.required("media_id", Problems.Hint.MEDIA_ID_PLACE);
            u = uploads.appendable(writer.apply(ctx), Bodies.mediaId(id, "media_id"));
        }
        return uploads.append(u, () -> {
            for (String f : mp.fields.keySet())
                if (!(known == null ? APPEND_FIELDS : Set.of("segment_index")).contains(f))
                    throw Problems.unknownParameter(f, mp.fields.get(f), "APPEND");
            return Bodies.segmentIndex(mp.fields.getOrDefault("segment_index", query.get("segment_index")));
        }, Bodies.checksum(ctx), -1, mp::mediaTo);
    }

    public void finalizeUpload(Context ctx) {
        Principal who = writer.apply(ctx);
        // clients send no body, {} or an empty body with a JSON content type: none of it matters
        Upload u = uploads.finalizeUpload(who, Bodies.mediaId(ctx.pathParam("id"), "id"));
        finalized(ctx, u);
    }

    private void finalized(Context ctx, Upload u) {
        Wire.media(ctx, u, uploads.now());
    }

    public void status(Context ctx) throws InterruptedException {
        Principal who = writer.apply(ctx);
        String command = ctx.queryParam("command");
        if (command != null && !command.equals("STATUS"))
            throw Problems.statusOnly(command);
        Upload u = uploads.status(who, Bodies.mediaId(ctx.queryParam("media_id"), "media_id"),
                Bodies.waitSecs(ctx.queryParam("wait_secs")));
        Wire.media(ctx, u, uploads.now());
    }

    /**
     * Extension: the upload's STATUS as Server-Sent Events — one event now, one per change of state or progress, the
     * last at a settled state, then the stream ends. Each event's id is its state and progress, so a client that
     * reconnects with Last-Event-ID gets the next change (or the current state at once if it moved meanwhile).
     */
    public void events(Context ctx) throws InterruptedException {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        // framed here rather than by Javalin's sse(): that handler commits 200 and the stream's headers before it calls
        // its consumer (so a foreign id could not get X's JSON 404), refuses requests without Accept: text/event-stream
        // (curl sends none) and closes every connection after its stream
        Upload u = uploads.status(who, id); // an unknown or foreign id is a JSON 404, before any streaming
        String last = ctx.header("Last-Event-ID");
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        try {
            OutputStream out = ctx.res().getOutputStream();
            while (true) {
                String version = StatusWatch.version(u);
                if (!version.equals(last)) {
                    out.write(("id: " + version + "\nevent: status\ndata: ").getBytes(StandardCharsets.UTF_8));
                    out.write(Wire.mediaBody(u, uploads.now()));
                    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                    last = version;
                }
                if (StatusWatch.settled(u) || !uploads.watching()) break;
                out.flush();
                Upload next = uploads.changedFrom(id, version, SSE_KEEPALIVE);
                if (next != null) u = next;
                else out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)); // proxies close silent streams
            }
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    public void segments(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        var list = uploads.segments(who, id).stream()
                .map(s -> Wire.ordered("segment_index", s.index(), "size", s.size(), "sha256", s.sha256())).toList();
        Wire.data(ctx, Wire.ordered("id", Long.toString(id), "segments", list));
    }

    // ---- POST /2/media/upload: one-shot, or the command form ----

    public void upload(Context ctx) throws IOException {
        Principal who = writer.apply(ctx);
        Map<String, String> params = Bodies.query(ctx);
        String mime = Bodies.mime(ctx);
        switch (mime) {
            case "multipart/form-data" -> {
                MultipartBody mp = new MultipartBody(ctx);
                mp.toMedia();
                String command = mp.fields.getOrDefault("command", params.get("command"));
                if (command == null) oneShotMultipart(ctx, who, mp, params);
                else if (command.equals("APPEND")) {
                    long expiresAt = appendMultipart(ctx, null, mp);
                    appendedCommand(ctx, mp.fields.getOrDefault("media_id", ctx.queryParam("media_id")), expiresAt);
                }
                else if (mp.hasMedia()) throw Problems.mediaNotAllowed("APPEND and one-shot uploads");
                else { params.putAll(mp.fields); command(ctx, who, params); }
            }
            case "application/x-www-form-urlencoded" -> {
                params.putAll(Bodies.form(Bodies.small(ctx)));
                if (!params.containsKey("command")) throw Problems.required("command",
                        Problems.Hint.FORM_COMMAND);
                command(ctx, who, params);
            }
            case "application/json" -> {
                if (params.containsKey("command")) { command(ctx, who, params); return; }
                Map<String, JsonNode> fields = new HashMap<>();
                String declared = ReprDigest.sha256(ctx);
                Upload u = uploads.oneShot(who, ctx.req().getContentLengthLong(), out -> fields.putAll(JsonMediaBody.read(ctx, out,
                        ONE_SHOT_FIELDS)),
                        () -> oneShotRequest(Bodies.optionalString(fields, "media_category"), Bodies.optionalString(fields,
                                "additional_owners")), declared);
                finalized(ctx, u);
            }
            default -> {
                if (params.containsKey("command")) { command(ctx, who, params); return; }
                throw Problems.unsupportedContentType(ctx.header("Content-Type"), Problems.Expected.ONE_SHOT);
            }
        }
    }

    private void oneShotMultipart(Context ctx, Principal who, MultipartBody mp, Map<String, String> query) {
        if (!mp.hasMedia()) throw Problems.required("media");
        Upload u = uploads.oneShot(who, ctx.req().getContentLengthLong(), mp::mediaTo, () -> {
            Map<String, String> all = new HashMap<>(query);
            all.putAll(mp.fields);
            for (String f : all.keySet())
                if (!ONE_SHOT_FIELDS.contains(f)) throw Problems.unknownParameter(f, all.get(f), "a one-shot upload");
            return oneShotRequest(all.get("media_category"), all.get("additional_owners"));
        }, ReprDigest.sha256(ctx));
        finalized(ctx, u);
    }

    private static OneShotRequest oneShotRequest(String category, String owners) {
        if (category == null) throw Problems.required("media_category");
        return new OneShotRequest(Bodies.category(category, true), Bodies.owners(owners));
    }

    /** INIT and FINALIZE of the command form (APPEND carries media and is handled with the multipart body). */
    private void command(Context ctx, Principal who, Map<String, String> p) {
        switch (CommandForm.decode(p, CommandForm.Tolerance.STRICT)) {
            case CommandForm.Init init -> {
                Upload u = initialized(ctx, who, init.request());
                Wire.data(ctx, Wire.initialized(u, u.createdAt())); // the whole window, as of its start
            }
            case CommandForm.Finalize f -> finalized(ctx, uploads.finalizeUpload(who, f.mediaId()));
            case CommandForm.Status s -> Wire.media(ctx, uploads.status(who, s.mediaId()), uploads.now());
            case CommandForm.Append a -> throw Problems.appendNeedsMultipart();
            case CommandForm.OneShot o -> throw Problems.required("command"); // callers come here with a command only
        }
    }
}
