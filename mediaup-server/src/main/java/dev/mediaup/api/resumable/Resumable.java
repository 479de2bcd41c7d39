package dev.mediaup.api.resumable;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.ReprDigest;
import dev.mediaup.api.wire.StructuredFields;
import dev.mediaup.api.wire.UploadMetadata;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.core.MediaTypes;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Upload;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.media.MediaService;
import dev.mediaup.upload.TusUploads;
import dev.mediaup.upload.UploadService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Resumable Uploads for HTTP (draft-ietf-httpbis-resumable-upload; interop version 8, and 6 and 5 for tus-js-client's
 * {@code ietf-draft-05}/{@code -03} modes) over the same engine as X's protocol and tus. X's one-shot endpoint takes
 * the raw file as its body ({@code Content-Type} the media type, or {@code media_type}; {@code media_category} and the
 * other one-shot fields in the query); with {@code Upload-Draft-Interop-Version} and {@code Upload-Complete} the
 * server makes the upload resource, announces it in a {@code 104} before reading the body, and a transfer that drops
 * resumes there with HEAD and PATCH. Whatever arrives is durable before any offset reports it: a long body is stored as
 * {@link #PIECE}-byte segments, each announced by a 104 once recorded, and a body cut off keeps what arrived. The
 * completing request answers what the one-shot upload answers (X's media JSON), with {@code Upload-Complete: ?1}.
 */
public final class Resumable {
    /** Where upload resources live: {@code /2/media/upload/resumable/{id}}. */
    public static final String PATH = "/2/media/upload/resumable";
    public static final String PARTIAL_UPLOAD = "application/partial-upload";
    /** A long body's segments: each durable and recorded before the 104 that reports the offset after it. */
    static final long PIECE = 16L << 20;
    private static final long INTERIM_WAIT_SECS = 10;
    private static final Set<String> QUERY = Set.of("media_category", "media_type", "additional_owners", "shared");
    /** Bodies that are not the file itself: X's own one-shot and command forms. */
    private static final Set<String> NOT_RAW = Set.of("multipart/form-data", "application/x-www-form-urlencoded", "application/json");

    /** The draft iterations spoken, by interop version; the request's header picks one, and 104s go only to those. */
    enum Interop {
        V5(5), V6(6), V8(8);

        final int number;

        Interop(int number) {
            this.number = number;
        }

        static Optional<Interop> of(Context ctx) {
            OptionalLong v = StructuredFields.nonNegative(StructuredFields.joined(ctx, "Upload-Draft-Interop-Version"));
            for (Interop i : values()) if (v.isPresent() && v.getAsLong() == i.number) return Optional.of(i);
            return Optional.empty();
        }

        /** Appends are labelled application/partial-upload since interop 6 (draft 04). */
        boolean labelsAppends() {
            return this != V5;
        }
    }

    private final UploadService uploads;
    private final TusUploads tus;
    private final MediaService media;
    private final Function<Context, Principal> writer;
    private final Function<Context, String> origin;
    private final InFlight inFlight = new InFlight();

    public Resumable(UploadService uploads, TusUploads tus, MediaService media, Function<Context, Principal> writer,
                     Function<Context, String> origin) {
        this.uploads = uploads;
        this.tus = tus;
        this.media = media;
        this.writer = writer;
        this.origin = origin;
    }

    /**
     * Whether a POST to the one-shot endpoint is this dialect's: a raw file (no multipart, form or JSON body, no
     * command), with a type or a draft interop version (tus-js-client creates uploads with no body and no type).
     */
    public static boolean takes(Context ctx) {
        if (ctx.queryParam("command") != null) return false;
        String mime = Bodies.mime(ctx);
        return !NOT_RAW.contains(mime) && (!mime.isEmpty() || Interop.of(ctx).isPresent());
    }

    /** The upload resources' routes (creation is X's one-shot endpoint, dispatched by {@link #takes}). */
    public void install(RoutesConfig r) {
        r.options("/2/media/upload", this::options);
        r.options(PATH + "/{id}", this::options);
        r.head(PATH + "/{id}", this::head);
        r.get(PATH + "/{id}", this::head);
        r.patch(PATH + "/{id}", this::patch);
        r.delete(PATH + "/{id}", this::cancel);
    }

    /** POST: the upload resource made, announced by a 104 when asked for, the body appended; then X's answer or a 201. */
    public void create(Context ctx) {
        Principal who = writer.apply(ctx);
        Optional<Interop> v = Interop.of(ctx);
        // without a draft version the request is not resumable, and Upload-Complete is not this server's to judge
        Optional<Boolean> complete = v.isPresent() ? bool(ctx, "Upload-Complete")
                : StructuredFields.bool(StructuredFields.joined(ctx, "Upload-Complete"));
        boolean resumable = v.isPresent() && complete.isPresent(), whole = complete.orElse(true);
        long declared = ctx.req().getContentLengthLong();
        Long length = length(ctx, whole, 0, declared);
        Map<String, String> q = Bodies.query(ctx);
        for (String k : q.keySet()) if (!QUERY.contains(k)) throw Problems.unknownParameter(k, q.get(k), "a resumable upload");
        Map<String, String> meta = UploadMetadata.parse(ctx.header("Upload-Metadata"));
        String category = q.getOrDefault("media_category", meta.get("media_category"));
        Upload u = uploads.initialize(who, new UploadService.InitRequest(type(ctx, q, meta), category == null ? null
                : Bodies.category(category, false), length, Boolean.parseBoolean(q.get("shared")),
                Bodies.owners(q.get("additional_owners")), ReprDigest.sha256(ctx)));
        String location = origin.apply(ctx) + PATH + "/" + u.idString();
        ctx.header("Location", location);
        identify(ctx, u);
        TusUploads.Appended put;
        // registered before the 104 goes out: a client that learns the Location and asks at once finds this request
        try (var running = inFlight.enter(u.id(), Arrivals.began(ctx), cutOff(ctx))) {
            if (resumable) interim(ctx, v.get(), "Location", location, "Upload-Limit", limit(u));
            put = append(ctx, TusUploads.Offset.start(u), 0, declared, resumable ? v : Optional.empty(), location);
        }
        if (put.interrupted() && !resumable) tus.abandon(who, u.id()); // nobody can resume it: its bytes go with the sweep
        answer(ctx, who, put, whole);
    }

    /** HEAD (and GET) on the upload resource: where it stands, never stale — an append still running here ends first. */
    public void head(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        var at = inFlight.report(id, () -> tus.offset(who, id));
        Upload u = at.upload();
        boolean done = u.state().finalized();
        if (!done && u.sessionExpired(uploads.now())) throw UploadProblems.uploadGone(id);
        ctx.status(204).header("Cache-Control", "no-store").header("Upload-Offset", Long.toString(at.offset()))
                .header("Upload-Complete", done ? "?1" : "?0").header("Upload-Limit", limit(u));
        Long length = done ? Long.valueOf(at.offset()) : u.totalBytes();
        if (length != null) ctx.header("Upload-Length", Long.toString(length));
        identify(ctx, u);
    }

    /** PATCH: application/partial-upload appended at Upload-Offset; the completing one answers as the creation would. */
    public void patch(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        Optional<Interop> v = Interop.of(ctx);
        ctx.header("Upload-Complete", "?0");
        if (v.orElse(Interop.V8).labelsAppends() ? !PARTIAL_UPLOAD.equals(Bodies.mime(ctx))
                : !Set.of("", PARTIAL_UPLOAD, "application/offset+octet-stream").contains(Bodies.mime(ctx)))
            throw Problems.unsupportedContentType(ctx.header("Content-Type"), Problems.Expected.PARTIAL_UPLOAD);
        long offset = integer(ctx, "Upload-Offset").orElseThrow(() -> Problems.required("Upload-Offset", Problems.Hint.HEADER));
        boolean complete = bool(ctx, "Upload-Complete").orElseThrow(() -> Problems.required("Upload-Complete", Problems.Hint.HEADER));
        long declared = ctx.req().getContentLengthLong();
        TusUploads.Appended put;
        try (var running = inFlight.enter(id, Arrivals.began(ctx), cutOff(ctx))) {
            var at = tus.position(who, id);
            Upload u = at.upload();
            if (running == null) { // sent before its client learned the upload's offset: that client gave up on it
                ctx.header("Upload-Offset", Long.toString(at.offset()));
                throw UploadProblems.mismatchingUploadOffset(offset, at.offset());
            }
            ctx.header("Upload-Limit", limit(u));
            if (u.state().finalized()) {
                replay(ctx, who, at, offset, complete, declared);
                return;
            }
            if (u.sessionExpired(uploads.now())) throw UploadProblems.uploadGone(id);
            if (offset != at.offset()) {
                ctx.header("Upload-Offset", Long.toString(at.offset()));
                throw UploadProblems.mismatchingUploadOffset(offset, at.offset());
            }
            Long length = length(ctx, complete, offset, declared);
            if (length != null) at = new TusUploads.Offset(declareLength(ctx, u, length), at.offset(), at.segments());
            Long total = at.upload().totalBytes();
            if (total != null && declared >= 0 && offset + declared > total)
                throw draft(ctx, UploadProblems.inconsistentLength(offset + declared, "The upload is " + total
                        + " bytes long; this request would bring it to " + (offset + declared) + "."));
            put = append(ctx, at, offset, declared, v, null);
        }
        answer(ctx, who, put, complete);
    }

    /**
     * DELETE: the upload cancelled, an append still running here ended first. The owner's credentials delete an
     * upload in progress; a grant's bearer abandons it (the grant still lists it). Media an upload became stays.
     */
    public void cancel(Context ctx) {
        Principal who = writer.apply(ctx);
        long id = Bodies.mediaId(ctx.pathParam("id"), "id");
        Upload u = inFlight.report(id, () -> tus.position(who, id)).upload();
        if (!u.state().finalized()) {
            if (who.viaGrant()) tus.abandon(who, id);
            else media.delete(who, u.mediaKey());
        }
        ctx.status(204);
    }

    /** OPTIONS: the limits an upload gets (its category's, when the query names one), as the draft asks. */
    public void options(Context ctx) {
        String category = ctx.queryParam("media_category");
        long max = category == null ? uploads.limits().largestUpload() : uploads.limits().maxBytes(Bodies.category(category, false));
        ctx.status(204).header("Upload-Limit", "max-size=" + max + ", max-append-size=" + max)
                .header("Accept-Patch", PARTIAL_UPLOAD).header("Upload-Draft-Interop-Version", Integer.toString(Interop.V8.number));
    }

    /** Appends the body, keeping what arrives; a 104 with each durable offset on the way when the client speaks a draft. */
    private TusUploads.Appended append(Context ctx, TusUploads.Offset at, long offset, long declared, Optional<Interop> v,
                                       String location) {
        // a creation's interim answers all carry its Location; an append's never do
        LongConsumer progress = o -> v.ifPresent(i -> interim(ctx, i, location == null ? new String[] {"Upload-Offset",
                Long.toString(o)} : new String[] {"Location", location, "Upload-Offset", Long.toString(o)}));
        try (InputStream in = ctx.req().getInputStream()) {
            return tus.appendArriving(at, offset, null, declared, in, v.isPresent() ? PIECE : 0, progress);
        } catch (IOException e) {
            throw Problems.bodyUnreadable();
        }
    }

    /** The final answer to a creation or an append: cut off, not yet complete (more to come), or X's media. */
    private void answer(Context ctx, Principal who, TusUploads.Appended put, boolean complete) {
        TusUploads.Offset at = put.at();
        ctx.header("Upload-Offset", Long.toString(at.offset())).header("Upload-Complete", "?0");
        if (put.interrupted()) throw Problems.bodyEndedEarly(); // nobody is listening; the bytes that came are kept
        Upload u = at.upload();
        // every byte of a known length is here: the upload is complete whatever the request said — tus-js-client, reading
        // a stream, labels its last append ?0 (it learns the stream's end only after sending it) and counts on this
        if (!complete && !Objects.equals(u.totalBytes(), at.offset())) {
            ctx.header("Upload-Limit", limit(u));
            identify(ctx, u);
            if (ctx.method().name().equals("POST")) Wire.created(ctx, Wire.initialized(u, uploads.now()));
            else ctx.status(204);
            return;
        }
        Long total = u.totalBytes();
        if (total != null && at.offset() != total)
            throw draft(ctx, UploadProblems.inconsistentLength(at.offset(), "The upload is " + total
                    + " bytes long and holds " + at.offset() + "; it cannot be complete yet."));
        u = declareLength(ctx, u, at.offset());
        ctx.header("Upload-Complete", "?1"); // from here on the answer is the one-shot upload's, failures included
        Upload done = uploads.finalizeUpload(who, u.id());
        identify(ctx, done);
        Wire.media(ctx, done, uploads.now());
    }

    /** An append to a complete upload: its final answer again when it is the completing append repeated, else refused. */
    private void replay(Context ctx, Principal who, TusUploads.Offset at, long offset, boolean complete, long declared) {
        ctx.header("Upload-Offset", Long.toString(at.offset()));
        if (offset != at.offset()) throw UploadProblems.mismatchingUploadOffset(offset, at.offset());
        if (!complete || declared > 0) throw UploadProblems.uploadComplete(at.upload().id());
        Upload now = uploads.status(who, at.upload().id());
        ctx.header("Upload-Complete", "?1");
        identify(ctx, now);
        Wire.media(ctx, now, uploads.now());
    }

    /** The length a request gives: Upload-Length, or (completing) the offset plus Content-Length; both must agree. */
    private static Long length(Context ctx, boolean complete, long offset, long declared) {
        OptionalLong given = integer(ctx, "Upload-Length");
        Long implied = complete && declared >= 0 ? Long.valueOf(offset + declared) : null;
        if (given.isPresent() && implied != null && given.getAsLong() != implied)
            throw draft(ctx, UploadProblems.inconsistentLength(given.getAsLong(), "Upload-Length "
                    + given.getAsLong() + " does not match the " + implied + " bytes this completing request makes."));
        return given.isPresent() ? Long.valueOf(given.getAsLong()) : implied;
    }

    private Upload declareLength(Context ctx, Upload u, long length) {
        try {
            return tus.declareLength(u, length);
        } catch (Problem p) {
            throw draft(ctx, p);
        }
    }

    /**
     * A problem under the draft's registered type, on the upload resource; X's endpoint (the creation) answers in X's
     * own types, which X's document lists for it and clients of X match on.
     */
    private static Problem draft(Context ctx, Problem p) {
        return ctx.method().name().equals("POST") ? p : UploadProblems.asDraftProblem(p);
    }

    /** What a raw body is: its Content-Type, else media_type, else tus metadata's filetype (never sniffed here). */
    private static String type(Context ctx, Map<String, String> q, Map<String, String> meta) {
        String mime = Bodies.mime(ctx), t = q.get("media_type");
        if (t == null && !Set.of("", "application/octet-stream", PARTIAL_UPLOAD).contains(mime)) {
            if (!MediaTypes.ALL.contains(mime))
                throw Problems.unsupportedContentType(ctx.header("Content-Type"), Problems.Expected.ONE_SHOT);
            t = mime;
        }
        if (t == null) t = meta.getOrDefault("filetype", meta.get("type"));
        if (t == null || t.isBlank()) throw UploadProblems.mediaTypeRequired(ctx.header("Content-Type"));
        return Bodies.mediaType(t.toLowerCase(Locale.ROOT));
    }

    /** Upload-Limit: the most bytes the upload takes, in all and in one request (no less), and the session's time left. */
    private String limit(Upload u) {
        long max = u.maxBytes(uploads.limits().maxBytes(u.category()));
        String limit = "max-size=" + max + ", max-append-size=" + max;
        return u.state().finalized() ? limit : limit + ", max-age=" + Math.max(0, u.expiresAt() - uploads.now());
    }

    /**
     * A non-negative Integer field; empty when absent. Present and not that (negative, a decimal, a list…), RFC 9651
     * would have it ignored and the request judged without it — but a resumable request that says a length or an
     * offset means one, and judged without it would store bytes on terms the client did not state: refused instead.
     */
    private static OptionalLong integer(Context ctx, String name) {
        String raw = StructuredFields.joined(ctx, name);
        OptionalLong v = StructuredFields.nonNegative(raw);
        if (raw != null && v.isEmpty()) throw Problems.mustBe(name, raw, Problems.Form.SF_INTEGER);
        return v;
    }

    /** A Boolean field (?0, ?1); empty when absent, refused when present and not that (as {@link #integer}). */
    private static Optional<Boolean> bool(Context ctx, String name) {
        String raw = StructuredFields.joined(ctx, name);
        Optional<Boolean> v = StructuredFields.bool(raw);
        if (raw != null && v.isEmpty()) throw Problems.mustBe(name, raw, Problems.Form.SF_BOOLEAN);
        return v;
    }

    /** The X media this upload is (or becomes), as tus answers name it too. */
    private static void identify(Context ctx, Upload u) {
        ctx.header("Mediaup-Media-Id", u.idString()).header("Mediaup-Media-Key", u.mediaKey());
    }

    /** Closes the request's connection: the newer request about its upload has come. */
    private static Runnable cutOff(Context ctx) {
        var endPoint = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection().getEndPoint();
        return endPoint::close;
    }

    /**
     * A 104 (Upload Resumption Supported) with these fields and the interop version; a client gone is not waited for.
     * Written as bytes on the connection, ahead of anything else of the response: Jetty 12's HTTP/1.1 generator sends
     * the fields of a 103 only, and any other 1xx as a bare status line (Location and Upload-Offset would be lost). The
     * handler writes nothing else while it reads the body, and Jetty writes nothing before the handler answers (its
     * own 100 Continue goes out when the body is first read, after this write has completed), so the two never mix.
     * HTTP/1.0 clients get no 1xx at all (RFC 9110 §15.2).
     */
    private static void interim(Context ctx, Interop v, String... namesAndValues) {
        if (!"HTTP/1.1".equals(ctx.req().getProtocol())) return;
        StringBuilder head = new StringBuilder("HTTP/1.1 104 Upload Resumption Supported\r\nUpload-Draft-Interop-Version: ")
                .append(v.number).append("\r\n");
        for (int i = 0; i < namesAndValues.length; i += 2)
            head.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        var endPoint = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection().getEndPoint();
        Callback.Completable written = new Callback.Completable();
        try {
            endPoint.write(written, ByteBuffer.wrap(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII)));
            written.get(INTERIM_WAIT_SECS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the connection failed: reading the body will say so, and keep what came
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
