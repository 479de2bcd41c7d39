package dev.mediaup.processing;

import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Failure;
import dev.mediaup.core.Family;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.MediaRejected;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Unavailable;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MediaStore;
import dev.mediaup.upload.Processor.Outcome;
import dev.mediaup.upload.Processor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * One processor per family, behind one entry point each for the two paths: {@link #inline} while FINALIZE waits
 * (images, subtitles, 3D models: bounded and quick, and X's clients expect images done at once), {@link #queued}
 * from the durable job queue (video, animated GIF). Processors read the media from our own blobs — in place when
 * the store is local — work in a scratch directory that is always removed, and store what they make as variants.
 * What the media itself gets wrong ends as an InvalidMedia failure; anything else is thrown, so the job is retried.
 */
public final class Processing implements Processor {

    /** {@code scratch}: where runs work (emptied at startup); {@code maxPixels}: the decompression-bomb guard. */
    public record Settings(ProcessingConfig config, long maxPixels, Path scratch) {}

    private final MediaStore media;
    private final BlobStore blobs;
    private final Ffmpeg ffmpeg;
    private final Settings settings;
    private final Images images;
    private final Video video;
    /** Inline work shares the worker budget: at most this many decodes at once, whatever the request load. */
    private final Semaphore inlineSlots;
    private final DistributionSummary pixelHeap;
    private final MeterRegistry metrics;
    /** The malware scanner every upload is streamed to before processing; null: none configured. */
    private final Clamd scanner;

    public Processing(MediaStore media, BlobStore blobs, Ffmpeg ffmpeg, Settings settings, MeterRegistry metrics) {
        this.pixelHeap = DistributionSummary.builder("mediaup.image.decode.heap").baseUnit("bytes")
                .description("Heap held by one picture's pixels at its peak (decoded, normalized, every size)").register(metrics);
        this.metrics = metrics;
        this.scanner = settings.config().scan() == null ? null : new Clamd(settings.config().scan());
        this.media = media;
        this.blobs = blobs;
        this.ffmpeg = ffmpeg;
        this.settings = settings;
        this.images = new Images(settings.maxPixels());
        this.video = new Video(ffmpeg);
        // an API-only node (no job workers) still processes pictures at FINALIZE: one per core at once
        int workers = settings.config().workers();
        this.inlineSlots = new Semaphore(workers > 0 ? workers : Runtime.getRuntime().availableProcessors(), true);
    }

    /** Removes what runs cut short by a crash left in the scratch directory (called once at startup). */
    public void cleanScratch() throws IOException {
        if (Files.isDirectory(settings.scratch())) Ffmpeg.deleteTree(settings.scratch());
        Files.createDirectories(settings.scratch());
    }

    @Override
    public Outcome inline(Upload u, List<Segment> segs, String mediaType) throws IOException {
        inlineSlots.acquireUninterruptibly();
        try (Scratch s = new Scratch(u.id())) {
            String sha = contentDigest(u, segs);
            Optional<Outcome> infected = scanned(segs, sha, true);
            if (infected.isPresent()) return infected.get();
            return switch (u.family()) {
                case IMAGE -> {
                    Optional<Outcome> again = repeat(u, sha);
                    yield again.isPresent() ? again.get() : image(u, local(segs, s), mediaType);
                }
                case SUBTITLES -> subtitles(u, segs);
                case MODEL -> {
                    Models.validate(local(segs, s), u.mediaType());
                    yield new Outcome(MediaInfo.NONE, null, false);
                }
                default -> throw new IllegalArgumentException(u.family() + " is processed by the job queue");
            };
        } catch (MediaRejected e) {
            return rejected(e);
        } finally {
            inlineSlots.release();
        }
    }

    /** Video and GIF: renditions and a poster, with progress 0..100 as ffmpeg reports it. */
    public Outcome queued(Upload u, List<Segment> segs, IntConsumer progress) throws IOException {
        String type = u.info().videoType() != null ? u.info().videoType() : u.mediaType();
        String sha = contentDigest(u, segs);
        Optional<Outcome> infected = scanned(segs, sha, false);
        if (infected.isPresent()) return infected.get();
        Optional<Outcome> again = repeat(u, sha);
        if (again.isPresent()) return again.get();
        try (Scratch s = new Scratch(u.id())) {
            boolean gif = u.family() == Family.GIF;
            long maxMs = maxMillis(u);
            Video.Made made = video.process(type, ffmpegInput(segs, s), gif,
                    new Video.Limits(maxMs, settings.config().maxGifFrames(), settings.maxPixels()), s.dir(), progress);
            Failpoint.VIDEO_AFTER_ENCODE.hit();
            List<Variant> vs = new ArrayList<>();
            for (Video.Output o : made.outputs()) {
                vs.add(store(u, o.name(), o.contentType(), o.width(), o.height(), o.bitRate(), out -> Files.copy(o.file(), out)));
                Failpoint.VIDEO_AFTER_RENDITION_STORED.hit();
            }
            media.putVariants(u.id(), vs);
            Failpoint.VIDEO_AFTER_VARIANTS.hit();
            MediaInfo info = new MediaInfo(made.width(), made.height(), gif ? "image/gif" : null, "video/mp4", gif ? null
                    : made.durationMs());
            return new Outcome(info, null, true);
        } catch (MediaRejected e) {
            return rejected(e);
        }
    }

    private long maxMillis(Upload u) {
        long maxMs = settings.config().maxDuration(u.category()).toMillis();
        return u.maxDurationSecs() != null ? Math.min(maxMs, u.maxDurationSecs() * 1000) : maxMs; // its grant's cap
    }

    /**
     * Bumped whenever what processing makes from the same bytes changes (sizes, codecs, settings of its own): media
     * processed under an older recipe is then not reused for new uploads.
     */
    private static final int RECIPES = 1;

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
        return common + ";ms=" + maxMillis(u) + ";frames=" + settings.config().maxGifFrames();
    }

    /**
     * Store once: when media with these very bytes already succeeded under the same recipe (any owner's), this media
     * gets its variants — the same blobs — and what it learned, instead of running the codecs again. The digest is
     * recorded either way, so the next upload of these bytes finds this one. Empty when there is none (or it went away
     * meanwhile): process as usual.
     */
    private Optional<Outcome> repeat(Upload u, String sha) {
        String recipe = recipe(u);
        media.recordContent(u.id(), sha, recipe);
        var mode = settings.config().storeOnce();
        if (mode == ProcessingConfig.StoreOnce.OFF) return Optional.empty();
        OptionalLong source = media.sameContent(u.id(), sha, recipe, mode == ProcessingConfig.StoreOnce.OWNER ? u.ownerId() : null);
        return source.isEmpty() ? Optional.empty() : share(u, source.getAsLong());
    }

    /** The SHA-256 of the media's bytes: the one its client declared (FINALIZE proved it), or read here. */
    private String contentDigest(Upload u, List<Segment> segs) throws IOException {
        return u.declaredSha256() != null ? u.declaredSha256() : digest(segs);
    }

    /**
     * Malware scanning, where configured: the bytes streamed to clamd before anything decodes them. Infected: the
     * media fails (its bytes are not kept, the webhook says rejected). A clean verdict is remembered for these bytes
     * under clamd's signature version, so a repeat is not scanned again. clamd down: FINALIZE answers 503 for what is
     * processed while it waits ({@code inline}), a job waits and is retried without counting — never let through.
     */
    private Optional<Outcome> scanned(List<Segment> segs, String sha, boolean inline) throws IOException {
        if (scanner == null) return Optional.empty();
        try {
            String engine = scanner.version();
            if (media.scannedClean(sha, engine)) return Optional.empty();
            long size = segs.stream().mapToLong(Segment::size).sum(), t0 = System.nanoTime();
            Clamd.Verdict v;
            try (InputStream in = concatenated(segs)) {
                v = scanner.scan(in, size);
            }
            metrics.timer("mediaup.scans", "verdict", v instanceof Clamd.Verdict.Clean ? "clean" : "infected")
                    .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            if (v instanceof Clamd.Verdict.Infected(String signature)) return Optional.of(new Outcome(MediaInfo.NONE,
                    Failure.malware(signature), false));
            media.recordClean(sha, engine, System.currentTimeMillis() / 1000);
            return Optional.empty();
        } catch (Clamd.Down e) {
            if (inline) throw new Unavailable("scanner", e.getMessage(), e);
            throw e;
        }
    }

    /** Why the malware scanner cannot scan now (readiness), or null when it can or none is configured. */
    public String scannerDown() {
        return scanner == null ? null : scanner.whyDown();
    }

    @Override
    public OptionalLong held(Upload u) {
        if (u.declaredSha256() == null || settings.config().storeOnce() == ProcessingConfig.StoreOnce.OFF) return OptionalLong.empty();
        return media.sameContent(u.id(), u.declaredSha256(), recipe(u), u.ownerId());
    }

    @Override
    public Optional<Outcome> share(Upload u, long source) {
        var shared = media.share(u.id(), source, settings.config().keepOriginals());
        if (shared.isEmpty()) return Optional.empty();
        Failpoint.REPEAT_AFTER_SHARE.hit();
        metrics.counter("mediaup.processing.repeats", "family", u.family().name().toLowerCase(Locale.ROOT)).increment();
        return Optional.of(new Outcome(shared.get().info(), null, true, shared.get().originalKey()));
    }

    /** The SHA-256 of the media's whole bytes, read once in order. */
    private String digest(List<Segment> segs) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = concatenated(segs); OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            in.transferTo(sink);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a blob that cannot be read: our fault, retried, never the media's
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static Outcome rejected(MediaRejected e) {
        return new Outcome(MediaInfo.NONE, Failure.invalidMedia(e.getMessage()), false);
    }

    private Outcome image(Upload u, Path file, String mediaType) throws IOException {
        Images.Picture picture = images.decode(file);
        // the full-size encode, the largest single step, runs on a thread of its own while this one makes the smaller
        // sizes: FINALIZE answers in about the time of the longer of the two, not of both (a platform thread: the codec
        // is native code, which would hold a virtual thread's carrier all that time)
        var orig = new FutureTask<>(() -> {
            Images.Rendition r = picture.orig();
            return new StoredRendition(r, storeRendition(u, r));
        });
        Thread.ofPlatform().name("image-orig").daemon().start(orig);
        List<Variant> vs = new ArrayList<>();
        List<Images.Rendition> made = new ArrayList<>();
        try {
            for (Images.Rendition r : picture.smaller()) {
                made.add(r);
                vs.add(storeRendition(u, r));
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                orig.get(); // not left running behind a failure, whose report is this one
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // the same picture failing twice: the first failure is the one reported
            }
            throw e;
        }
        StoredRendition o = finished(orig);
        vs.addFirst(o.variant());
        // the most heap this decode's pixels held at once: the decoded raster beside its normalized copy, or that copy
        // beside every size made from it (the sizes are all alive until here); reported so memory can be planned
        long sizes = o.rendition().pixelBytes() + made.stream().mapToLong(Images.Rendition::pixelBytes).sum();
        long held = Images.bytes(picture.img());
        pixelHeap.record(Math.max(picture.decodedBytes() + held, held + sizes));
        media.putVariants(u.id(), vs);
        Failpoint.INLINE_AFTER_VARIANTS.hit();
        return new Outcome(new MediaInfo(o.rendition().width(), o.rendition().height(), mediaType, null, null), null, true);
    }

    private record StoredRendition(Images.Rendition rendition, Variant variant) {}

    private Variant storeRendition(Upload u, Images.Rendition r) throws IOException {
        return store(u, r.name(), r.contentType(), r.width(), r.height(), null, r.bytes()::writeTo);
    }

    /** The task's result once it has finished, its failure rethrown as what it was. */
    private static <T> T finished(FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while an image was encoded", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re; // MediaRejected among them
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    private Outcome subtitles(Upload u, List<Segment> segs) throws IOException {
        long size = segs.stream().mapToLong(Segment::size).sum();
        if (size > Subtitles.MAX_BYTES) throw new MediaRejected("Subtitles may be at most " + Subtitles.MAX_BYTES + " bytes.");
        byte[] bytes;
        try (InputStream in = concatenated(segs)) {
            bytes = in.readAllBytes();
        }
        byte[] vtt = Subtitles.toWebVtt(bytes, u.mediaType().equals("text/vtt")).getBytes(StandardCharsets.UTF_8);
        media.putVariants(u.id(), List.of(store(u, "vtt", "text/vtt", null, null, null, out -> out.write(vtt))));
        return new Outcome(MediaInfo.NONE, null, false);
    }

    private Variant store(Upload u, String name, String type, Integer w, Integer h, Integer bitRate, BodyWriter bytes) throws IOException {
        String key = BlobKeys.variant(u.id(), name);
        MessageDigest d = sha256();
        long size = blobs.put(key, out -> {
            OutputStream dout = new DigestOutputStream(out, d);
            bytes.writeTo(dout);
            dout.flush();
        });
        return new Variant(u.id(), name, type, size, w, h, bitRate, HexFormat.of().formatHex(d.digest()), key);
    }

    /** One file holding the media: the blob itself when the store is local and the media one segment, else a scratch copy. */
    private Path local(List<Segment> segs, Scratch s) throws IOException {
        var local = blobs.capabilities().local();
        if (local.isPresent() && segs.size() == 1) return local.get().path(segs.getFirst().blobKey());
        Path f = s.dir().resolve("input");
        try (InputStream in = concatenated(segs)) {
            Files.copy(in, f);
        }
        return f;
    }

    /** What ffmpeg reads: our blob paths joined by the concat protocol (no copy), or a scratch copy for remote stores. */
    private String ffmpegInput(List<Segment> segs, Scratch s) throws IOException {
        if (blobs.capabilities().local().orElse(null) instanceof BlobStore.Local l) {
            // a missing blob is our fault, not the media's: fail the attempt (retried), not the media
            for (Segment x : segs) if (!Files.isReadable(l.path(x.blobKey()))) throw new IOException("segment blob " + x.blobKey()
                    + " is missing");
            if (segs.size() == 1) return "file:" + l.path(segs.getFirst().blobKey());
            return "concat:" + segs.stream().map(x -> l.path(x.blobKey()).toString()).collect(Collectors.joining("|"));
        }
        return "file:" + local(segs, s);
    }

    private InputStream concatenated(List<Segment> segs) {
        return blobs.openAll(segs.stream().map(Segment::blobKey).toList());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A private working directory for one run, made when the run first needs it (an image in a local blob never does)
     * and deleted with everything in it when the run ends.
     */
    private final class Scratch implements AutoCloseable {
        private final long id;
        private Path dir;

        Scratch(long id) {
            this.id = id;
        }

        Path dir() throws IOException {
            if (dir == null) {
                Files.createDirectories(settings.scratch());
                dir = Files.createTempDirectory(settings.scratch(), id + "-").toAbsolutePath(); // ffmpeg runs in it: no relative paths
            }
            return dir;
        }

        @Override
        public void close() {
            if (dir != null) Ffmpeg.deleteTree(dir);
        }
    }
}
