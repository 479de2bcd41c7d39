package dev.mediaup.processing;

import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Failure;
import dev.mediaup.core.Family;
import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.MediaRejected;
import dev.mediaup.core.MediaTypes;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.media.Focus;
import dev.mediaup.media.PosterTime;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.ContentStore;
import dev.mediaup.store.MediaStore;
import dev.mediaup.store.SegmentDigests;
import dev.mediaup.upload.Processor.Outcome;
import dev.mediaup.upload.Processor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
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
    private final Stills stills;
    /** Inline work shares the worker budget: at most this many decodes at once, whatever the request load. */
    private final Semaphore inlineSlots;
    private final DistributionSummary pixelHeap;
    private final MeterRegistry metrics;
    /** What is known of the bytes: their digest, clamd's verdict, what earlier media made of the same ones. */
    private final Contents contents;
    private final VariantWriter writer;

    public Processing(MediaStore media, ContentStore content, SegmentDigests digests, BlobStore blobs, Ffmpeg ffmpeg, Settings settings,
                      MeterRegistry metrics) {
        this.pixelHeap = DistributionSummary.builder("mediaup.image.decode.heap").baseUnit("bytes")
                .description("Heap held by one picture's pixels at its peak (decoded, normalized, every size)").register(metrics);
        this.metrics = metrics;
        this.contents = new Contents(media, content, digests, blobs, settings, metrics,
                new PictureWork(media, blobs, ffmpeg, settings.scratch()));
        this.writer = new VariantWriter(blobs, media);
        this.media = media;
        this.blobs = blobs;
        this.ffmpeg = ffmpeg;
        this.settings = settings;
        this.images = new Images(settings.maxPixels());
        this.video = new Video(ffmpeg);
        this.stills = new Stills(ffmpeg);
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
            String sha = contents.digest(u, segs);
            Optional<Outcome> infected = contents.scanned(segs, sha, true);
            if (infected.isPresent()) return infected.get();
            return switch (u.family()) {
                case IMAGE -> {
                    Optional<Outcome> again = contents.repeat(u, sha);
                    if (again.isPresent()) yield again.get();
                    Path file = local(segs, s);
                    yield image(u, MediaTypes.HEIF.contains(mediaType) ? stills.png(file, s.dir()) : file, mediaType);
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
        String sha = contents.digest(u, segs);
        Optional<Outcome> infected = contents.scanned(segs, sha, false);
        if (infected.isPresent()) return infected.get();
        Optional<Outcome> again = contents.repeat(u, sha);
        if (again.isPresent()) return again.get();
        try (Scratch s = new Scratch(u.id())) {
            boolean gif = u.family() == Family.GIF;
            long maxMs = Contents.maxMillis(settings, u);
            Video.Made made = video.process(type, ffmpegInput(segs, s), gif,
                    new Video.Limits(maxMs, settings.config().maxGifFrames(), settings.maxPixels(), gif ? 0 : PosterTime.of(u).orElse(0)),
                    s.dir(), progress);
            Failpoint.VIDEO_AFTER_ENCODE.hit();
            List<Variant> vs = new ArrayList<>();
            for (Video.Output o : made.outputs()) {
                vs.add(store(u, o.name(), o.contentType(), o.width(), o.height(), o.bitRate(), out -> Files.copy(o.file(), out)));
                Failpoint.VIDEO_AFTER_RENDITION_STORED.hit();
            }
            recorded(u, vs);
            Failpoint.VIDEO_AFTER_VARIANTS.hit();
            MediaInfo info = new MediaInfo(made.width(), made.height(), gif ? "image/gif" : null, "video/mp4", gif ? null
                    : made.durationMs(), posterBlurhash(made));
            return new Outcome(info, null, true);
        } catch (MediaRejected e) {
            return rejected(e);
        }
    }

    /** The poster's placeholder; null when it cannot be read (the poster is ffmpeg's JPEG, ≤ 1280 px: it can). */
    private static String posterBlurhash(Video.Made made) {
        for (Video.Output o : made.outputs()) {
            if (!o.name().equals("poster")) continue;
            try {
                BufferedImage img = ImageIO.read(o.file().toFile());
                return img == null ? null : Images.blurhash(img);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public OptionalLong held(Upload u) {
        return contents.held(u);
    }

    @Override
    public Optional<Outcome> share(Upload u, long source) {
        return contents.share(u, source);
    }

    /** Why the malware scanner cannot scan now (readiness), or null when it can or none is configured. */
    public String scannerDown() {
        return contents.scannerDown();
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
        String blurhash;
        try {
            Images.Smaller smaller = picture.smaller(Focus.of(u).orElse(FocalPoint.CENTRE));
            blurhash = smaller.blurhash();
            for (Images.Rendition r : smaller.sizes()) {
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
        recorded(u, vs);
        Failpoint.INLINE_AFTER_VARIANTS.hit();
        return new Outcome(new MediaInfo(o.rendition().width(), o.rendition().height(), mediaType, null, null, blurhash), null, true);
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
        recorded(u, List.of(store(u, "vtt", "text/vtt", null, null, null, out -> out.write(vtt))));
        return new Outcome(MediaInfo.NONE, null, false);
    }

    private void recorded(Upload u, List<Variant> vs) {
        writer.recorded(u, vs);
    }

    private Variant store(Upload u, String name, String type, Integer w, Integer h, Integer bitRate, BodyWriter bytes) throws IOException {
        return writer.store(u, name, BlobKeys.variant(u.id(), name), type, w, h, bitRate, bytes);
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
