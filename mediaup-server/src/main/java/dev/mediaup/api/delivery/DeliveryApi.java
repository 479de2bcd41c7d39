package dev.mediaup.api.delivery;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Transform;
import dev.mediaup.media.MediaBytes;
import dev.mediaup.media.MediaService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.http.ByteRange;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Delivery on the wire: {@code /media/{media_key}/{variant}} as a signed URL (or with the caller's own credentials) —
 * strong ETags, conditional requests, single and multiple byte ranges, HLS playlists rewritten with fresh signed URLs,
 * redirects to presigned object-store URLs — and the playback beacon players post beside it.
 */
public final class DeliveryApi {
    /** Set on every delivered file. */
    public static final Map<String, String> DELIVERED = Map.of("X-Content-Type-Options", "nosniff",
            "Content-Security-Policy", "default-src 'none'; sandbox");

    private final MediaService media;
    private final Function<Context, String> origin;

    public DeliveryApi(MediaService media, Function<Context, String> origin) {
        this.media = media;
        this.origin = origin;
    }

    public static final Set<String> BEACON_EVENTS = Set.of("playback_start", "playback25", "playback50", "playback75", "playback_complete",
            "play_from_tap", "cta_url_clicks", "cta_watch_clicks");

    /**
     * POST /media/{media_key}/{variant}/events: the playback beacon a player sends ({"event": "playback_start"} …, optionally
     * "watch_time_ms"), authorised like delivery (the signed URL's exp and sig, or credentials).
     */
    public void beacon(Context ctx, Principal whoOrNull) {
        Long exp = ctx.queryParam("exp") != null && ctx.queryParam("exp").matches("[0-9]{1,19}") ? Long.parseLong(ctx.queryParam("exp"))
                : null;
        var d = media.deliverable(ctx.pathParam("media_key"), ctx.pathParam("variant"), exp, ctx.queryParam("sig"), whoOrNull);
        JsonNode b = Bodies.json(Bodies.small(ctx));
        String event = b.path("event").isString() ? b.get("event").asString() : null;
        if (event == null || !BEACON_EVENTS.contains(event))
            throw Problems.notOneOf("event", event, new TreeSet<>(BEACON_EVENTS));
        media.count(d.upload().id(), event, 1);
        if (b.has("watch_time_ms")) {
            if (!b.get("watch_time_ms").canConvertToLong() || b.get("watch_time_ms").asLong() < 0
                    || b.get("watch_time_ms").asLong() > 86_400_000)
                throw Problems.outOfRange("watch_time_ms", b.get("watch_time_ms").toString(), 0, 86_400_000);
            media.count(d.upload().id(), "watch_time_ms", b.get("watch_time_ms").asLong());
        }
        Wire.data(ctx, Map.of("counted", true));
    }

    /**
     * GET/HEAD /media/{media_key}/{variant}: a signed URL, or the caller's own credentials. Strong ETag from the
     * segments' hashes, conditional requests, single and multiple byte ranges, streamed segment by segment.
     */
    public void deliver(Context ctx, Principal whoOrNull, boolean head) throws IOException {
        Long exp = null;
        String e = ctx.queryParam("exp");
        if (e != null && e.matches("[0-9]{1,19}")) exp = Long.parseLong(e);
        if (ctx.queryString() != null && ctx.queryString().length() > MAX_QUERY)
            throw Problems.fieldTooLong("query"); // a size, a format, a signature: never this long
        Transform asked = Transform.parse(ctx.queryParamMap(), media.transformSizes()).orElse(null);
        var d = media.deliverable(ctx.pathParam("media_key"), ctx.pathParam("variant"), asked, accepted(ctx.header("Accept")), exp,
                ctx.queryParam("sig"), whoOrNull);
        // a picture's bytes depend on what the client accepts (AVIF, WebP): caches must keep one per Accept
        if (d.contentType().startsWith("image/")) ctx.header("Vary", "Accept");
        // web players on any site fetch media with script (hls.js, MSE); a signed URL is the credential, no cookies are
        // involved, so every origin may read what it opens
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag");
        // uploaded bytes are data, never a page of this origin: no type guessing, and opened on their own (a WebVTT or
        // SVG with a script in it, say) nothing runs — player fetches and <video>/<img> are not affected by either
        DELIVERED.forEach(ctx::header);
        boolean track = ctx.pathParam("variant").equals(MediaService.STORYBOARD);
        if (d.contentType().equals(MediaService.PLAYLIST) || track) playlist(ctx, d, head);
        else if (!redirected(ctx, d, head)) bytes(ctx, d, whoOrNull, head);
    }

    private static final int MAX_QUERY = 1024;

    /**
     * The picture format a client prefers, from its Accept header: AVIF where it names {@code image/avif}, else WebP
     * where it names {@code image/webp} (with a q above 0; browsers send both for images); null when it names neither —
     * {@code *}{@code /*} is no preference, so clients that accept anything get the JPEG or PNG.
     */
    static Transform.Format accepted(String accept) {
        if (accept == null) return null;
        boolean webp = false;
        for (String range : accept.split(",")) {
            String[] parts = range.trim().split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) refused |= parts[i].trim().matches("q\\s*=\\s*0(\\.0*)?");
            if (refused) continue;
            if (type.equals("image/avif")) return Transform.Format.AVIF;
            webp |= type.equals("image/webp");
        }
        return webp ? Transform.Format.WEBP : null;
    }

    /** A playlist is rewritten with fresh signed URLs: never cached, never redirected. */
    private void playlist(Context ctx, MediaService.Deliverable d, boolean head) throws IOException {
        byte[] playlist = media.playlist(d, origin.apply(ctx)).getBytes(StandardCharsets.UTF_8);
        ctx.status(200).contentType(d.contentType()).header("Cache-Control", "no-store");
        if (head) ctx.header("Content-Length", Integer.toString(playlist.length));
        else {
            countView(ctx, d);
            ctx.result(playlist);
        }
    }

    /** The object store serves the bytes (ranges and validators included) from a presigned URL, when it can. */
    private boolean redirected(Context ctx, MediaService.Deliverable d, boolean head) {
        var elsewhere = media.redirect(d);
        if (elsewhere.isEmpty()) return false;
        String range = ctx.header("Range");
        if (!head && (range == null || range.matches("bytes=0-.*"))) countView(ctx, d);
        ctx.header("Cache-Control", "private, max-age=0");
        ctx.redirect(elsewhere.get().toString(), HttpStatus.FOUND);
        return true;
    }

    /** The bytes from here: validators, conditional requests, single and multiple ranges. */
    private void bytes(Context ctx, MediaService.Deliverable d, Principal whoOrNull, boolean head) throws IOException {
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
                Wire.problem(ctx, Problems.rangeNotSatisfiable(range, d.size()));
                return;
            }
            if (!head && ranges.getFirst().first() == 0) countView(ctx, d);
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
        if (!head) countView(ctx, d);
        send(ctx, d, head, 0, d.size(), d.contentType());
    }

    /**
     * A view is a delivery from the first byte: players fetch the rest in ranges, which are not views. Of HLS, the
     * master playlist counts; its renditions' playlists and segments do not.
     */
    private void countView(Context ctx, MediaService.Deliverable d) {
        if (ctx.pathParam("variant").startsWith("hls.") || ctx.pathParam("variant").startsWith("storyboard.")) return;
        String t = d.upload().wireType();
        media.count(d.upload().id(), t.equals("video") || t.equals("animated_gif") ? "video_views" : "views", 1);
    }

    private void send(Context ctx, MediaService.Deliverable d, boolean head, long offset, long length, String type) throws IOException {
        var body = head ? null : media.body(d, offset, length); // before the headers: a store that is down is a 503
        ctx.res().setContentType(type);
        ctx.res().setContentLengthLong(length);
        if (head) return;
        write(ctx, body);
    }

    /** The bytes go from the page cache to the socket as mapped buffers (Jetty writes them as they are), not via the heap. */
    private void write(Context ctx, MediaBytes body) throws IOException {
        OutputStream out = ctx.res().getOutputStream();
        var jetty = out instanceof HttpOutput h ? h : null;
        try {
            body.writeTo(out, jetty == null ? null : buffer -> {
                try {
                    jetty.write(buffer);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the client went away mid-body: nothing to answer
        }
    }

    private void multipart(Context ctx, MediaService.Deliverable d, List<ByteRange> ranges, boolean head) throws IOException {
        String boundary = "mediaup" + Long.toHexString(new Random().nextLong());
        List<byte[]> heads = new ArrayList<>();
        long total = 0;
        for (ByteRange r : ranges) {
            byte[] h = ("\r\n--" + boundary + "\r\nContent-Type: " + d.contentType() + "\r\nContent-Range: " + r.toHeaderValue(d.size())
                    + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            heads.add(h);
            total += h.length + r.getLength();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        var first = head ? null : media.body(d, ranges.getFirst().first(), ranges.getFirst().getLength()); // 503 before headers
        ctx.status(206);
        ctx.res().setContentType("multipart/byteranges; boundary=" + boundary);
        ctx.res().setContentLengthLong(total + tail.length);
        if (head) return;
        OutputStream out = ctx.res().getOutputStream();
        for (int i = 0; i < ranges.size(); i++) {
            out.write(heads.get(i));
            write(ctx, i == 0 ? first : media.body(d, ranges.get(i).first(), ranges.get(i).getLength()));
        }
        out.write(tail);
    }
}
