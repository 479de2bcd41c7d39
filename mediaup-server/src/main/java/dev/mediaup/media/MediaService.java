package dev.mediaup.media;

import dev.mediaup.config.HttpConfig;
import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Family;
import dev.mediaup.core.MediaKey;
import dev.mediaup.core.PictureProblems;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Transform;
import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MediaStore;
import dev.mediaup.store.MetricsStore;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.UploadRetention;
import dev.mediaup.store.UploadWrites;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Media objects once uploaded: lookup with visibility, metadata, deletion, a user's listing, and the bytes for
 * delivery (ranges over the ordered segments, never a copy). Knows nothing of HTTP.
 */
public final class MediaService {

    /** X's name of the full-size variant: the cleaned re-encode for images, the uploaded file for media served as uploaded. */
    public static final String ORIGINAL = "orig";
    /** The bytes as uploaded, where the server keeps originals (--keep-originals). */
    public static final String UPLOADED = "original";

    private final UploadReads reads;
    private final UploadWrites writes;
    private final UploadRetention ending;
    private final MediaStore made;
    private final MetricsStore metrics;
    private final BlobStore blobs;
    private final LongSupplier clock;
    private final Pictures crops;
    private final OnRequest onRequest;
    /** The sizes delivery's ?w= and ?h= snap up to. */
    private final List<Integer> transformSizes;

    public List<Integer> transformSizes() {
        return transformSizes;
    }
    private final long urlTtlSecs;
    private final UrlSigner signer;

    /** Counters not yet written: media id → "hour|metric" → count. Flushed in batches (delivery must not wait on a commit). */
    private final ConcurrentHashMap<Long, ConcurrentHashMap<String, LongAdder>> pending =
            new ConcurrentHashMap<>();

    private final long redirectSecs;

    /**
     * {@code urlKey}: the HMAC key of signed delivery URLs (one per cluster, from the cluster store);
     * {@code http}: the signed URLs' lifetime, and presigned redirects' (zero streams through the server).
     */
    public MediaService(UploadReads reads, UploadWrites writes, UploadRetention ending, MediaStore made,
            MetricsStore metrics, BlobStore blobs, LongSupplier epochSeconds,
                        byte[] urlKey, HttpConfig http, Pictures pictures, ProcessingConfig.Transforms transforms) {
        this.crops = pictures;
        this.onRequest = new OnRequest(made, pictures, transforms.maxPerMedia());
        this.transformSizes = transforms.sizes();
        this.redirectSecs = http.redirect().toSeconds();
        this.reads = reads;
        this.writes = writes;
        this.ending = ending;
        this.made = made;
        this.metrics = metrics;
        this.blobs = blobs;
        this.clock = epochSeconds;
        this.urlTtlSecs = http.deliveryUrlTtl().toSeconds();
        this.signer = new UrlSigner(urlKey);
    }

    /** media_key → id, if the key is well-formed and its prefix is the one this media would carry. */
    static OptionalLong idOf(String mediaKey) {
        return MediaKey.parse(mediaKey).map(k -> OptionalLong.of(k.id())).orElse(OptionalLong.empty());
    }

    public record Found(List<Upload> media, List<String> missing) {}

    /** The media the caller may read, in request order; the rest (unknown, invisible, unfinished) as missing keys. */
    public Found lookup(Principal who, List<String> mediaKeys) {
        Map<Long, Upload> byId = new HashMap<>();
        List<Long> ids = mediaKeys.stream().map(MediaService::idOf).filter(OptionalLong::isPresent).map(OptionalLong::getAsLong).toList();
        for (Upload u : reads.find(new LinkedHashSet<>(ids))) byId.put(u.id(), u);
        List<Upload> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : mediaKeys) {
            Upload u = idOf(key).isPresent() ? byId.get(idOf(key).getAsLong()) : null;
            if (u != null && u.mediaKey().equals(key) && u.state().isMedia() && u.readableBy(who)) found.add(u);
            else missing.add(key);
        }
        return new Found(found, missing);
    }

    /** Owner only; each member of {@code additions} replaces the stored member of that name. Returns the merged object. */
    public ObjectNode mergeMetadata(Principal who, long id, ObjectNode additions) {
        JsonNode focus = additions.get(Focus.MEMBER), posterAt = additions.get(PosterTime.MEMBER);
        if (focus != null && !focus.isNull()) Focus.parse(focus); // checked before anything is looked up or changed
        long posterMs = posterAt != null && !posterAt.isNull() ? PosterTime.parse(posterAt) : -1; // -1: not set here
        Upload u = owned(who, id);
        Long duration = u.info().durationMs();
        if (posterMs >= 0 && (!u.family().video() || duration != null && posterMs > duration)) throw PictureProblems.posterTime();
        ObjectNode merged = u.metadataJson() == null ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(u.metadataJson());
        additions.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        if (focus != null && focus.isNull()) merged.remove(Focus.MEMBER); // null takes the focal point away
        Optional<Upload> now = writes.setMetadata(id, merged.toString());
        // a succeeded picture's thumb is cut again around it (media still being processed is cut around it anyway)
        if (focus != null && now.isPresent() && now.get().state() == State.SUCCEEDED) Focus.recrop(crops, now.get());
        if (posterAt != null && now.isPresent() && now.get().state() == State.SUCCEEDED) PosterTime.remake(crops, now.get());
        return merged;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The caller's own upload (a grant's bearer: one it uploaded); 404 for anyone else's. */
    public Upload owned(Principal who, long id) {
        return reads.find(id).filter(u -> u.drivableBy(who) && u.state() != State.EXPIRED)
                .orElseThrow(() -> Problems.notFound("id", id));
    }

    /** Owner only: the rows go, then the bytes no other media uses (a crash in between leaves orphans for gc). */
    public void delete(Principal who, String mediaKey) {
        long id = idOf(mediaKey).orElseThrow(() -> Problems.notFound("media_key", mediaKey));
        Upload u = reads.find(id).filter(x -> x.mediaKey().equals(mediaKey) && x.ownerId().equals(who.userId()))
                .orElseThrow(() -> Problems.notFound("media_key", mediaKey));
        var unlinked = ending.delete(u.id());
        Failpoint.DELETE_AFTER_UNLINK.hit();
        try {
            // only what no other media uses: variants are shared between media with the same bytes
            blobs.release(BlobKeys.prefix(u.id()), unlinked.freed(), unlinked.prefixInUse());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // rows are gone; the sweeper of orphans (gc) finishes the job
        }
    }

    public List<Upload> mine(Principal who, Long beforeId, int max) {
        return reads.ownedBy(who.userId(), beforeId, max);
    }

    // ---- subtitles ----

    /** Attaches a processed subtitles upload to one of the caller's videos, for a language (replacing that language's track). */
    public List<SubtitleTrack> attachSubtitles(Principal who, long videoId, String category, long subtitlesId, String language,
                                                            String displayName) {
        Upload video = video(who, videoId, category);
        Upload subs = owned(who, subtitlesId);
        if (subs.family() != Family.SUBTITLES || subs.state() != State.SUCCEEDED)
            throw UploadProblems.notSubtitles(subtitlesId);
        made.putSubtitles(new SubtitleTrack(video.id(), language, subs.id(), displayName));
        return made.subtitles(video.id());
    }

    public boolean detachSubtitles(Principal who, long videoId, String category, String language) {
        return made.deleteSubtitles(video(who, videoId, category).id(), language);
    }

    public List<SubtitleTrack> subtitles(Upload video) {
        return video.family().video() ? made.subtitles(video.id()) : List.of();
    }

    private Upload video(Principal who, long videoId, String category) {
        Upload v = owned(who, videoId);
        if (v.family() != Family.VIDEO && v.family() != Family.AMPLIFY_VIDEO)
            throw UploadProblems.notAVideo(videoId, v.wireType());
        String expected = v.family() == Family.AMPLIFY_VIDEO ? "AmplifyVideo" : "TweetVideo";
        if (!expected.equals(category))
            throw UploadProblems.wrongVideoCategory(videoId, expected, category);
        return v;
    }

    // ---- analytics ----

    public static final List<String> METRICS = List.of("video_views", "playback_start", "playback25", "playback50", "playback75",
            "playback_complete", "play_from_tap", "cta_url_clicks", "cta_watch_clicks", "watch_time_ms");

    public void count(long mediaId, String metric, long delta) {
        long hour = Math.floorDiv(clock.getAsLong(), 3600);
        pending.computeIfAbsent(mediaId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(hour + "|" + metric, k -> new LongAdder()).add(delta);
    }

    /** Writes the counters gathered since the last flush (called every few seconds, and at shutdown). */
    public void flushCounts() {
        Map<Long, Map<Long, Map<String, Long>>> batch = new HashMap<>();
        for (Long id : List.copyOf(pending.keySet())) {
            var counts = pending.remove(id);
            if (counts == null) continue;
            counts.forEach((hm, adder) -> {
                int bar = hm.indexOf('|');
                batch.computeIfAbsent(id, k -> new HashMap<>()).computeIfAbsent(Long.parseLong(hm.substring(0, bar)), k -> new HashMap<>())
                        .merge(hm.substring(bar + 1), adder.sum(), Long::sum);
            });
        }
        metrics.count(batch);
    }

    /** Hourly counts of a media in [fromHour, toHour], written and pending alike. */
    public Map<Long, Map<String, Long>> metrics(long mediaId, long fromHour, long toHour) {
        Map<Long, Map<String, Long>> m = metrics.metrics(mediaId, fromHour, toHour);
        var mine = pending.get(mediaId);
        if (mine != null) mine.forEach((hm, adder) -> {
            int bar = hm.indexOf('|');
            long hour = Long.parseLong(hm.substring(0, bar));
            if (hour >= fromHour && hour <= toHour) m.computeIfAbsent(hour, k -> new HashMap<>()).merge(hm.substring(bar + 1), adder.sum(),
                    Long::sum);
        });
        return m;
    }

    /** All-time sums of a media's counters (the "total" of /2/media/analytics). */
    public Map<String, Long> totals(long mediaId) {
        Map<String, Long> sums = new HashMap<>();
        metrics(mediaId, 0, Math.floorDiv(clock.getAsLong(), 3600)).values().forEach(h -> h.forEach((k, v) -> sums.merge(k, v, Long::sum)));
        return sums;
    }

    /** Analytics are for the media's owners (owner and additional owners). */
    public Found ownedMedia(Principal who, List<String> mediaKeys) {
        Found f = lookup(who, mediaKeys);
        List<Upload> mine = new ArrayList<>();
        List<String> missing = new ArrayList<>(f.missing());
        for (Upload u : f.media()) if (who.userId() != null && u.visibleTo(who.userId())) mine.add(u); else missing.add(u.mediaKey());
        return new Found(mine, missing);
    }

    // ---- delivery ----

    /** What delivery streams: the ordered segments of a finished upload, its size and a strong ETag. */
    public record Deliverable(Upload upload, List<Segment> segments, long size, String etag, String contentType) {}

    /** The media behind a delivery URL, if the signature is valid or the caller may read it; 404 otherwise. */
    public Deliverable deliverable(String mediaKey, String variant, Long expires, String signature, Principal whoOrNull) {
        return deliverable(mediaKey, variant, null, null, expires, signature, whoOrNull);
    }

    /**
     * The same, made as {@code asked} (a size, a format: covered by the signature) or in the format the client
     * prefers ({@code accepted}, from its Accept header; null: none) where the variant is a picture.
     */
    public Deliverable deliverable(String mediaKey, String variant, Transform asked, Transform.Format accepted, Long expires,
            String signature, Principal whoOrNull) {
        Problem none = Problems.notFound("media_key", mediaKey);
        long id = idOf(mediaKey).orElseThrow(() -> none);
        Upload u = reads.find(id).filter(x -> x.mediaKey().equals(mediaKey) && x.state() == State.SUCCEEDED).orElseThrow(() -> none);
        boolean signed = expires != null && signature != null && expires >= clock.getAsLong()
                && MessageDigest.isEqual(signer.sign(mediaKey, variant, asked, expires).getBytes(StandardCharsets.US_ASCII),
                        signature.getBytes(StandardCharsets.US_ASCII));
        if (!signed && (whoOrNull == null || !u.readableBy(whoOrNull))) throw none;
        Optional<Variant> found = OnRequest.FRAME.equals(variant) ? Optional.of(onRequest.frame(u, asked, accepted))
                : made.variant(id, variant).map(v -> onRequest.variant(u, v, asked, accepted));
        if (found.isPresent()) {
            Variant v = found.get();
            return new Deliverable(u, List.of(new Segment(id, 0, v.size(), v.sha256(), v.blobKey())), v.size(),
                    "\"" + v.sha256().substring(0, 32) + "\"", v.contentType());
        }
        // the uploaded bytes themselves: "original" where originals are kept, and "orig" of media served as uploaded (3D, subtitles)
        if (!ORIGINAL.equals(variant) && !UPLOADED.equals(variant)) throw none;
        if (asked != null) throw PictureProblems.notAPicture(variant);
        List<Segment> stored = reads.stored(id); // the bytes: one assembled object where there is one, or shared ones
        if (stored.isEmpty()) throw none;
        long size = stored.stream().mapToLong(Segment::size).sum();
        // the segments' blob keys pin the exact bytes — a key is never given other bytes, a re-sent segment gets a new
        // one — so they make a strong validator without reading anything (segments need not have their SHA-256 yet).
        // Media finalized over bytes its owner held has no segments of its own: the keys of the blobs it shares do.
        List<Segment> segs = reads.segments(id);
        MessageDigest d = digest();
        (segs.isEmpty() ? stored : segs).forEach(s -> d.update(s.blobKey().getBytes(StandardCharsets.US_ASCII)));
        String etag = "\"" + HexFormat.of().formatHex(d.digest(), 0, 16) + "\"";
        return new Deliverable(u, stored, size, etag, u.servedType());
    }

    /** A presigned URL of the object behind a one-object deliverable, when the store can and the server is told to redirect. */
    public Optional<URI> redirect(Deliverable d) {
        var presigning = blobs.capabilities().presigning();
        if (redirectSecs <= 0 || presigning.isEmpty() || d.segments().size() != 1 || d.contentType().equals(PLAYLIST))
            return Optional.empty();
        return Optional.of(presigning.get().presign(d.segments().getFirst().blobKey(), Duration.ofSeconds(redirectSecs), d.contentType()));
    }

    public static final String PLAYLIST = "application/x-mpegURL";
    /** A video's storyboard track: delivered, like a playlist, with a fresh signed URL of its sprite in each cue. */
    public static final String STORYBOARD = "storyboard.vtt";

    /**
     * An HLS playlist (or a storyboard's WebVTT track) as delivered: each URI in it (the name of another variant of the
     * same media, as processing wrote it) becomes a signed URL of that variant, so a player needs nothing but the
     * playlist's own URL.
     */
    public String playlist(Deliverable d, String base) throws IOException {
        String text;
        try (InputStream in = blobs.openAll(d.segments().stream().map(Segment::blobKey).toList())) {
            text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw MediaBytes.unreadable(e);
        }
        StringBuilder out = new StringBuilder();
        text.lines().forEach(line -> out.append(line.matches("hls\\.[a-z0-9._-]+") ? base + signedPath(d.upload(), line)
                : line.matches("storyboard\\.jpg#xywh=[0-9,]+") ? base + signedPath(d.upload(), "storyboard.jpg") + line.substring(14)
                : line).append('\n'));
        return out.toString();
    }

    /** Every file delivery serves of one medium: what processing made (HLS parts aside), and the uploaded bytes when kept. */
    public record Files(Upload upload, List<Variant> made, Long originalBytes) {}

    /** The files of media the caller may read ({@code GET /2/media/{key}/variants}); 404 for anyone else's. */
    public Files files(Principal who, String mediaKey) {
        Upload u = lookup(who, List.of(mediaKey)).media().stream().findFirst()
                .orElseThrow(() -> Problems.notFound("media_key", mediaKey));
        if (u.state() != State.SUCCEEDED) return new Files(u, List.of(), null);
        List<Segment> kept = reads.stored(u.id());
        Long original = kept.isEmpty() ? null : kept.stream().mapToLong(Segment::size).sum();
        return new Files(u, made.variants(List.of(u.id()), false), original);
    }

    /** What processing made for these media, by media id. */
    public Map<Long, List<Variant>> variants(Collection<Long> ids) {
        Map<Long, List<Variant>> by = new HashMap<>();
        for (Variant v : made.variants(ids, false)) by.computeIfAbsent(v.mediaId(), k -> new ArrayList<>()).add(v);
        return by;
    }

    /**
     * Bytes [offset, offset+length) of the media, ready to write; the first piece is opened now (see
     * {@link MediaBytes#of}).
     */
    public MediaBytes body(Deliverable d, long offset, long length) {
        return MediaBytes.of(blobs, d.segments(), offset, length);
    }

    /** A delivery URL path with an expiry and an HMAC over (media_key, variant, expiry). */
    public String signedPath(Upload u, String variant) {
        return signedPath(u, variant, null);
    }

    /** A delivery URL of the variant made as {@code t} (null: as it is), signed with the transform. */
    public String signedPath(Upload u, String variant, Transform t) {
        long exp = clock.getAsLong() + urlTtlSecs;
        String q = t == null || t.canonical().isEmpty() ? "" : t.canonical() + "&";
        return "/media/" + u.mediaKey() + "/" + variant + "?" + q + "exp=" + exp + "&sig=" + signer.sign(u.mediaKey(), variant, t, exp);
    }

    public String signedPath(long id, String variant) {
        return reads.find(id).map(u -> signedPath(u, variant)).orElse("");
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
