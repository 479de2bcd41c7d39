package dev.mediaup.processing;

import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Failure;
import dev.mediaup.core.Family;
import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Unavailable;
import dev.mediaup.core.Upload;
import dev.mediaup.media.Focus;
import dev.mediaup.media.PosterTime;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.ContentStore;
import dev.mediaup.store.MediaStore;
import dev.mediaup.store.SegmentDigests;
import dev.mediaup.upload.ContentDigest;
import dev.mediaup.upload.Processor;
import dev.mediaup.upload.Processor.Outcome;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What is known of some bytes wherever they were uploaded, before anything decodes them: their SHA-256, whether clamd
 * finds them clean, and what processing already made of the same bytes for earlier media (store once).
 */
final class Contents {
    private final MediaStore media;
    private final ContentStore content;
    /** Where the digests of segments that had none go, worked out in the read that makes the file's. */
    private final SegmentDigests digests;
    private final BlobStore blobs;
    private final Processing.Settings settings;
    private final MeterRegistry metrics;
    /** The malware scanner every upload is streamed to before processing; null: none configured. */
    private final Clamd scanner;
    private final PictureWork crops;

    Contents(MediaStore media, ContentStore content, SegmentDigests digests, BlobStore blobs, Processing.Settings settings,
             MeterRegistry metrics, PictureWork crops) {
        this.crops = crops;
        this.media = media;
        this.content = content;
        this.digests = digests;
        this.blobs = blobs;
        this.settings = settings;
        this.metrics = metrics;
        this.scanner = settings.config().scan() == null ? null : new Clamd(settings.config().scan());
    }

    /** A video's length limit: its category's, or its grant's cap when lower. */
    static long maxMillis(Processing.Settings settings, Upload u) {
        long maxMs = settings.config().maxDuration(u.category()).toMillis();
        return u.maxDurationSecs() != null ? Math.min(maxMs, u.maxDurationSecs() * 1000) : maxMs; // its grant's cap
    }

    /**
     * Bumped whenever what processing makes from the same bytes changes (sizes, codecs, settings of its own): media
     * processed under an older recipe is then not reused for new uploads.
     */
    private static final int RECIPES = 2; // 2: videos have a storyboard

    /**
     * What processing would make of some bytes, as a string: two uploads with the same bytes and the same recipe get
     * the same variants. Everything that shapes the output beyond the bytes is in it — the family and category, the
     * limits that may refuse or cut the media (a grant's duration cap among them), the pixel bound. (The real type is
     * not: the same bytes always sniff the same.)
     */
    String recipe(Upload u) {
        String category = u.category() == null ? "-" : u.category().wire();
        String common = RECIPES + ";" + u.family() + ";" + category + ";px=" + settings.maxPixels();
        if (u.family() == Family.IMAGE) return common;
        // a poster its owner chose a time for is that owner's: media asking for another frame does not share it
        OptionalLong posterAt = PosterTime.of(u); // read from the metadata's JSON once
        String poster = posterAt.isPresent() ? ";poster=" + posterAt.getAsLong() : "";
        return common + ";ms=" + maxMillis(settings, u) + ";frames=" + settings.config().maxGifFrames() + poster;
    }

    /**
     * Store once: when media with these very bytes already succeeded under the same recipe (any owner's), this media
     * gets its variants — the same blobs — and what it learned, instead of running the codecs again. The digest is
     * recorded either way, so the next upload of these bytes finds this one. Empty when there is none (or it went away
     * meanwhile): process as usual.
     */
    Optional<Outcome> repeat(Upload u, String sha) {
        String recipe = recipe(u);
        content.recordContent(u.id(), sha, recipe);
        var mode = settings.config().storeOnce();
        if (mode == ProcessingConfig.StoreOnce.OFF) return Optional.empty();
        OptionalLong source = content.sameContent(u.id(), sha, recipe, mode == ProcessingConfig.StoreOnce.OWNER ? u.ownerId() : null);
        return source.isEmpty() ? Optional.empty() : share(u, source.getAsLong());
    }

    /** The SHA-256 of the media's bytes: the one its client declared (FINALIZE proved it), else {@link ContentDigest}'s. */
    String digest(Upload u, List<Segment> segs) throws IOException {
        if (u.declaredSha256() != null) return u.declaredSha256();
        try {
            return ContentDigest.of(blobs, segs, digests);
        } catch (IOException | UncheckedIOException e) {
            // a blob that cannot be read: our fault, retried, never the media's
            throw new IOException("a segment blob of the media is missing or unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Malware scanning, where configured: the bytes streamed to clamd before anything decodes them. Infected: the
     * media fails (its bytes are not kept, the webhook says rejected). A clean verdict is remembered for these bytes
     * under clamd's signature version, so a repeat is not scanned again. clamd down: FINALIZE answers 503 for what is
     * processed while it waits ({@code inline}), a job waits and is retried without counting — never let through.
     */
    Optional<Outcome> scanned(List<Segment> segs, String sha, boolean inline) throws IOException {
        if (scanner == null) return Optional.empty();
        try {
            String engine = scanner.version();
            if (content.scannedClean(sha, engine)) return Optional.empty();
            long size = segs.stream().mapToLong(Segment::size).sum(), t0 = System.nanoTime();
            Clamd.Verdict v;
            try (InputStream in = blobs.openAll(segs.stream().map(Segment::blobKey).toList())) {
                v = scanner.scan(in, size);
            }
            metrics.timer("mediaup.scans", "verdict", v instanceof Clamd.Verdict.Clean ? "clean" : "infected")
                    .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            if (v instanceof Clamd.Verdict.Infected(String signature)) return Optional.of(new Outcome(MediaInfo.NONE,
                    Failure.malware(signature), false));
            content.recordClean(sha, engine, System.currentTimeMillis() / 1000);
            return Optional.empty();
        } catch (Clamd.Down e) {
            if (inline) throw new Unavailable("scanner", e.getMessage(), e);
            throw e;
        }
    }

    String scannerDown() {
        return scanner == null ? null : scanner.whyDown();
    }

    OptionalLong held(Upload u) {
        if (u.declaredSha256() == null || settings.config().storeOnce() == ProcessingConfig.StoreOnce.OFF) return OptionalLong.empty();
        return content.sameContent(u.id(), u.declaredSha256(), recipe(u), u.ownerId());
    }

    /**
     * A thumb the earlier media's owner had cropped around a focal point, or a poster it had taken from another frame,
     * is that owner's choice, not this media's: made again as this media's own (the centre, the first frame, unless
     * its owner set one already).
     */
    private void ownThumb(Upload u) {
        try {
            if (remade(u, "thumb")) crops.recrop(u, Focus.of(u).orElse(FocalPoint.CENTRE));
            if (remade(u, "poster")) crops.poster(u, PosterTime.of(u).orElse(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean remade(Upload u, String variant) {
        return media.variant(u.id(), variant).map(v -> BlobKeys.isRemade(v.blobKey())).orElse(false);
    }

    Optional<Outcome> share(Upload u, long source) {
        var shared = content.share(u.id(), source, settings.config().keepOriginals());
        if (shared.isEmpty()) return Optional.empty();
        Failpoint.REPEAT_AFTER_SHARE.hit();
        ownThumb(u);
        metrics.counter("mediaup.processing.repeats", "family", u.family().name().toLowerCase(Locale.ROOT)).increment();
        var original = shared.get().originalShared() ? new Processor.SharedOriginal(shared.get().originalKey()) : null;
        return Optional.of(new Outcome(shared.get().info(), null, true, original));
    }
}
