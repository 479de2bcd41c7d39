package dev.mediaup.api.tus;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.ReprDigest;
import dev.mediaup.api.wire.UploadMetadata;
import dev.mediaup.core.Category;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem.Kind;
import dev.mediaup.core.Problem;
import dev.mediaup.core.ProblemCode;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.media.MediaService;
import dev.mediaup.upload.UploadService.Checksum;
import dev.mediaup.upload.TusUploads;
import dev.mediaup.upload.UploadService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The tus 1.0 resumable-upload protocol (https://tus.io/protocols/resumable-upload) as a fourth dialect over the same
 * engine, like {@link V11}: a tus upload is an X upload. POST creates it (Upload-Length → total_bytes, Upload-Metadata's
 * {@code filetype} → media_type, optional {@code media_category}); each PATCH is an append whose body becomes the next
 * segment, durable before the 204 (acknowledged = fsynced and recorded) and accepted only at the upload's offset
 * (checked under the upload's row lock: any node may take any PATCH); the last byte finalizes it, and from then on it is
 * X media (STATUS, media key, variants) — named in every answer by {@code Mediaup-Media-Id} and {@code Mediaup-Media-Key}.
 * Extensions: creation, creation-with-upload, expiration, checksum (sha1, sha256, md5), termination and concatenation
 * (partial uploads in parallel, then a final one made of their segments: no byte copied); errors are X-style problems
 * with tus's statuses (409 offset, 412 version, 415 content type, 460 checksum).
 */
public final class Tus {
    public static final String VERSION = "1.0.0";
    public static final String EXTENSIONS =
            "creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,concatenation";
    public static final String OFFSET_OCTETS = "application/offset+octet-stream";
    private static final Map<String, String> ALGORITHMS = Map.of("sha1", "SHA-1", "sha256", "SHA-256", "md5", "MD5");

    private final UploadService uploads;
    private final TusUploads tus;
    private final MediaService media;
    private final Function<Context, Principal> writer;
    private final Function<Context, String> origin;
    private final String path;

    public Tus(UploadService uploads, TusUploads tus, MediaService media, Function<Context, Principal> writer,
               Function<Context, String> origin, String path) {
        this.uploads = uploads;
        this.tus = tus;
        this.media = media;
        this.writer = writer;
        this.origin = origin;
        this.path = path;
    }

    /** tus's routes, at its path. */
    public void install(RoutesConfig r) {
        r.options(path, this::options);
        r.options(path + "/{id}", this::options);
        r.post(path, this::create);
        r.head(path + "/{id}", this::head);
        r.patch(path + "/{id}", this::patch);
        r.delete(path + "/{id}", this::terminate);
    }

    /** Every tus answer says which protocol version it speaks. */
    public void before(Context ctx) {
        ctx.header("Tus-Resumable", VERSION);
        if (ctx.method().name().equals("OPTIONS")) return;
        String v = ctx.header("Tus-Resumable");
        if (!VERSION.equals(v)) {
            ctx.header("Tus-Version", VERSION);
            throw UploadProblems.tusVersion(v, VERSION);
        }
    }

    /** Discovery: the version, the extensions, the largest upload and the checksum algorithms. */
    public void options(Context ctx) {
        ctx.status(204).header("Tus-Version", VERSION).header("Tus-Extension", EXTENSIONS)
                .header("Tus-Max-Size", Long.toString(uploads.limits().largestUpload()))
                .header("Tus-Checksum-Algorithm", "sha1,sha256,md5");
    }

    public void create(Context ctx) {
        Principal who = writer.apply(ctx);
        String concat = ctx.header("Upload-Concat");
        if (concat != null && concat.startsWith("final;")) {
            createFinal(ctx, who, concat);
            return;
        }
        if (concat != null && !concat.equals("partial"))
            throw Problems.mustBe("Upload-Concat", concat, Problems.Form.TUS_CONCAT);
        Long length = deferred(ctx, concat == null) ? null : nonNegative(ctx, "Upload-Length");
        // an upload of nothing could never finish: its last byte is what makes a tus upload media
        if (length != null && length == 0) throw UploadProblems.emptyUpload();
        bodyType(ctx);
        if (concat != null) { // a partial: bytes only, its type comes with the final upload
            Upload u = tus.startPartial(who, length);
            created(ctx, u);
            ctx.header("Upload-Concat", "partial");
            withUpload(ctx, who, u);
            return;
        }
        Upload u = init(ctx, who, length);
        created(ctx, u);
        withUpload(ctx, who, u);
    }

    /**
     * creation-defer-length: "Upload-Defer-Length: 1" instead of Upload-Length, the length given by a later PATCH. Not
     * for partial uploads, whose lengths a final upload adds up.
     */
    private static boolean deferred(Context ctx, boolean allowed) {
        String defer = ctx.header("Upload-Defer-Length");
        if (defer == null) return false;
        if (!allowed) throw Problems.required("Upload-Length", Problems.Hint.HEADER);
        if (!defer.equals("1")) throw Problems.mustBe("Upload-Defer-Length", defer, Problems.Form.ONE);
        if (ctx.header("Upload-Length") != null) throw Problems.mustBe("Upload-Length", ctx.header("Upload-Length"),
                Problems.Form.ABSENT_WITH_DEFER);
        return true;
    }

    /** An X upload of the type (and category) Upload-Metadata names. */
    private Upload init(Context ctx, Principal who, Long length) {
        Map<String, String> meta = UploadMetadata.parse(ctx.header("Upload-Metadata"));
        String type = meta.getOrDefault("filetype", meta.get("type"));
        if (type == null || type.isBlank())
            throw Problems.required("filetype", Problems.Hint.TUS_FILETYPE);
        Category category = meta.containsKey("media_category") ? Bodies.category(meta.get("media_category"), false) : null;
        return uploads.initialize(who, new UploadService.InitRequest(Bodies.mediaType(type.toLowerCase(Locale.ROOT)), category, length,
                false, List.of(), ReprDigest.sha256(ctx)));
    }

    private void created(Context ctx, Upload u) {
        ctx.status(201).header("Location", origin.apply(ctx) + path + "/" + u.idString());
        identify(ctx, u);
        ctx.header("Upload-Expires", httpDate(u.expiresAt()));
    }

    /** creation-with-upload: the first bytes may ride along with the creation. */
    private void withUpload(Context ctx, Principal who, Upload u) {
        if (contentLength(ctx) > 0 || OFFSET_OCTETS.equals(Bodies.mime(ctx)))
            ctx.header("Upload-Offset", Long.toString(patchBody(ctx, who, TusUploads.Offset.start(u), 0)));
    }

    /**
     * Bytes come as application/offset+octet-stream, on a PATCH as on a creation that carries some: anything else is
     * refused (415) before anything is created or stored.
     */
    private static void bodyType(Context ctx) {
        boolean body = contentLength(ctx) > 0 || ctx.header("Transfer-Encoding") != null;
        if ((body || ctx.method().name().equals("PATCH")) && !OFFSET_OCTETS.equals(Bodies.mime(ctx)))
            throw Problems.unsupportedContentType(ctx.header("Content-Type"), Problems.Expected.TUS_BYTES);
    }

    /** "final;{url} {url}…": a new upload made of the partials' segments, in that order, finalized at once. */
    private void createFinal(Context ctx, Principal who, String concat) {
        List<Long> parts = new ArrayList<>();
        // only this server's upload URLs: the path alone, or this server's own origin before it (another host's URL
        // names an upload that is not here, whatever its last segment says)
        String here = path + "/", absolute = origin.apply(ctx) + here;
        for (String url : concat.substring("final;".length()).trim().split(" +")) {
            String id = url.startsWith(here) ? url.substring(here.length())
                    : url.regionMatches(true, 0, absolute, 0, absolute.length()) ? url.substring(absolute.length()) : "";
            if (id.isEmpty() || id.contains("/"))
                throw Problems.mustBe("Upload-Concat", url, Problems.Form.TUS_PART_URL);
            parts.add(Bodies.mediaId(id, "Upload-Concat"));
        }
        var again = tus.concatenatedBefore(who, parts);
        if (again.isPresent()) { // this final upload was made before; its answer did not arrive
            created(ctx, again.get());
            ctx.header("Upload-Concat", concat);
            return;
        }
        Upload whole = init(ctx, who, tus.length(who, parts));
        created(ctx, whole);
        identify(ctx, tus.concatenate(who, whole, parts));
        ctx.header("Upload-Concat", concat);
    }

    public void head(Context ctx) {
        Principal who = writer.apply(ctx);
        var at = tus.offset(who, Bodies.mediaId(ctx.pathParam("id"), "id"));
        Upload u = at.upload();
        // every byte is here but the upload was not finalized (the server stopped between the two): a client that
        // asks where it stands is told "done", so it is done now
        if (complete(u, at.offset()) && !u.sessionExpired(uploads.now())) u = uploads.finalizeUpload(who, u.id());
        if (u.sessionExpired(uploads.now())) throw UploadProblems.uploadGone(u.id());
        ctx.status(200).header("Cache-Control", "no-store").header("Upload-Offset", Long.toString(at.offset()));
        if (u.totalBytes() != null) ctx.header("Upload-Length", Long.toString(u.totalBytes()));
        else if (!u.state().finalized()) ctx.header("Upload-Defer-Length", "1");
        if (u.tusPartial()) ctx.header("Upload-Concat", "partial");
        else ctx.header("Upload-Metadata", "filetype " + b64(u.mediaType()) + ",media_category " + b64(u.category().wire()));
        if (!u.state().finalized()) ctx.header("Upload-Expires", httpDate(u.expiresAt()));
        identify(ctx, u);
    }

    public void patch(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        bodyType(ctx);
        long offset = nonNegative(ctx, "Upload-Offset");
        var at = tus.position(who, id);
        Upload u = at.upload();
        // HEAD and PATCH give one answer about an upload that ended (expired, terminated, spent on a final upload)
        if (u.sessionExpired(uploads.now())) throw UploadProblems.uploadGone(id);
        if (u.state().finalized() && offset == at.offset() && contentLength(ctx) == 0) {
            // the last PATCH landed but its answer was lost: sending nothing more at the end is done, again
            identify(ctx, u);
            ctx.status(204).header("Upload-Offset", Long.toString(offset));
            return;
        }
        String length = ctx.header("Upload-Length"); // a deferred length, given now
        if (length != null && !u.state().finalized())
            at = new TusUploads.Offset(tus.declareLength(u, nonNegative(ctx, "Upload-Length")), at.offset(), at.segments());
        ctx.status(204).header("Upload-Offset", Long.toString(patchBody(ctx, who, at, offset)));
    }

    /**
     * Termination. The user's own credentials delete the upload and whatever it became; a grant's bearer (a browser) may
     * only abandon an upload still in progress — it stays listed under the grant, as expired — and never delete media.
     */
    public void terminate(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        if (who.viaGrant()) tus.abandon(who, id);
        else media.delete(who, tus.position(who, id).upload().mediaKey());
        ctx.status(204);
    }

    /**
     * Appends the body at {@code offset}; when that was the last byte, finalizes. Returns the new offset. A body cut
     * off keeps what arrived (durable, recorded): the client's HEAD then resumes after it.
     */
    private long patchBody(Context ctx, Principal who, TusUploads.Offset found, long offset) {
        Checksum checksum = checksum(ctx.header("Upload-Checksum"));
        long length = contentLength(ctx);
        TusUploads.Appended put;
        try (InputStream in = ctx.req().getInputStream()) {
            put = tus.appendArriving(found, offset, checksum, length, in, 0, at -> { });
        } catch (IOException e) {
            throw Problems.bodyUnreadable();
        } catch (Problem p) {
            if (p.code == ProblemCode.CHECKSUM_MISMATCH && p.kind == Kind.INVALID)
                throw UploadProblems.tusChecksumMismatch(p);
            throw p;
        }
        TusUploads.Offset at = put.at();
        if (put.interrupted()) {
            ctx.header("Upload-Offset", Long.toString(at.offset()));
            throw Problems.bodyEndedEarly();
        }
        Upload u = at.upload();
        if (complete(u, at.offset())) { // the last byte: it is media now (a partial waits for its final upload)
            Failpoint.TUS_PATCH_BEFORE_FINALIZE.hit();
            u = uploads.finalizeUpload(who, u.id());
        }
        identify(ctx, u);
        if (!u.state().finalized()) ctx.header("Upload-Expires", httpDate(u.expiresAt()));
        return at.offset();
    }

    /** Holds every byte it declared and is still to be finalized (partials never are). */
    private static boolean complete(Upload u, long offset) {
        return u.totalBytes() != null && offset == u.totalBytes() && !u.tusPartial() && u.state() == State.UPLOADING;
    }

    /** The X media this upload is (or becomes): STATUS and lookups take these. */
    private static void identify(Context ctx, Upload u) {
        ctx.header("Mediaup-Media-Id", u.idString()).header("Mediaup-Media-Key", u.mediaKey());
    }

    private static long contentLength(Context ctx) {
        return ctx.req().getContentLengthLong();
    }

    private static long nonNegative(Context ctx, String header) {
        String v = ctx.header(header);
        if (v == null) throw Problems.required(header, Problems.Hint.HEADER);
        if (!v.matches("[0-9]{1,18}")) throw Problems.mustBe(header, v, Problems.Form.NON_NEGATIVE_INTEGER);
        return Long.parseLong(v);
    }

    /** Upload-Checksum: "{algorithm} {base64 digest}". */
    public static Checksum checksum(String header) {
        if (header == null) return null;
        String[] parts = header.trim().split(" ", 2);
        String algorithm = ALGORITHMS.get(parts[0].toLowerCase(Locale.ROOT));
        if (algorithm == null || parts.length != 2)
            throw Problems.mustBe("Upload-Checksum", header, Problems.Form.TUS_CHECKSUM);
        try {
            return new Checksum(algorithm, Base64.getDecoder().decode(parts[1].trim()), "Upload-Checksum");
        } catch (IllegalArgumentException e) {
            throw Problems.notBase64("Upload-Checksum", null);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String httpDate(long epochSeconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC));
    }
}
