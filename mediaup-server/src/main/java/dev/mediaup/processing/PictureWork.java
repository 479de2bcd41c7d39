package dev.mediaup.processing;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.Transform;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.media.Pictures;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MediaStore;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;

/**
 * Pictures made after processing, from what processing made (our own JPEG/PNG sizes and posters, never the upload):
 * <ul>
 * <li>the thumb cut again around a focal point set later — from the smallest size that still covers it twice (so it
 * stays sharp), in a few milliseconds, so it runs while the metadata request waits; a blob of its own, the one it
 * replaces going once no media refers to it;</li>
 * <li>pictures on request (delivery's {@code ?w=&h=&fit=&fm=&q=} and {@code Accept}): resized and cropped here, encoded
 * by ffmpeg (sandboxed) where Java has no encoder — WebP (libwebp), AVIF (libaom) — and by ImageIO for JPEG and
 * PNG.</li>
 * </ul>
 */
public final class PictureWork implements Pictures {
    private static final Images.Size THUMB = Images.SIZES.getLast();

    private final MediaStore media;
    private final BlobStore blobs;
    private final VariantWriter writer;

    public PictureWork(MediaStore media, BlobStore blobs, Ffmpeg ffmpeg, Path scratch) {
        this.media = media;
        this.blobs = blobs;
        this.writer = new VariantWriter(blobs, media);
        this.encoder = new PictureEncoder(ffmpeg, scratch);
    }

    private final PictureEncoder encoder;

    @Override
    public Variant derive(Upload u, Variant asked, Variant source, Transform t, String name, FocalPoint focus) throws IOException {
        BufferedImage img = decoded(source);
        boolean alpha = img.getColorModel().hasAlpha();
        int w = asked.width() != null ? asked.width() : img.getWidth(), h = asked.height() != null ? asked.height() : img.getHeight();
        BufferedImage made = PictureEncoder.shaped(Images.normalized(img, alpha), w, h, t, focus);
        return kept(u, name, BlobKeys.variant(u.id(), name), t.format().mediaType, made, out -> encoder.encode(made, alpha, t, out));
    }

    /** A picture made here, stored under {@code key} and recorded as variant {@code name} of the media. */
    private Variant kept(Upload u, String name, String key, String type, BufferedImage img, BodyWriter bytes) throws IOException {
        Variant v = writer.store(u, name, key, type, img.getWidth(), img.getHeight(), null, bytes);
        writer.recorded(u, List.of(v));
        return v;
    }

    /** A blob of its own for a variant made again: never the one it replaces (another media may share that one). */
    private static String remade(Upload u, String name) {
        return BlobKeys.remade(u.id(), name, ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** A poster as processing makes it: at most 1280 px on its long side, JPEG. */
    private static final Transform POSTER = new Transform(1280, 1280, Transform.Fit.INSIDE, Transform.Format.JPEG, 85, -1);

    @Override
    public void poster(Upload u, long atMs) throws IOException {
        Variant rendition = Variant.largestRendition(media.variants(List.of(u.id()), false)).orElse(null);
        if (rendition == null) return; // not a video processing made renditions of
        BufferedImage still = Images.normalized(encoder.frameAt(blobs, rendition.blobKey(), atMs), false);
        BufferedImage made = PictureEncoder.shaped(still, still.getWidth(), still.getHeight(), POSTER, FocalPoint.CENTRE);
        kept(u, "poster", remade(u, "poster"), "image/jpeg", made, out -> encoder.encode(made, false, POSTER, out));
        media.recordPlaceholder(u.id(), Images.blurhash(made));
    }

    @Override
    public Variant frame(Upload u, Variant rendition, Transform t, String name) throws IOException {
        BufferedImage still = encoder.frameAt(blobs, rendition.blobKey(), t.atMs());
        int w = rendition.width() != null ? rendition.width() : still.getWidth();
        int h = rendition.height() != null ? rendition.height() : still.getHeight();
        BufferedImage made = PictureEncoder.shaped(Images.normalized(still, false), w, h, t, FocalPoint.CENTRE);
        return kept(u, name, BlobKeys.variant(u.id(), name), t.format().mediaType, made, out -> encoder.encode(made, false, t, out));
    }

    private BufferedImage decoded(Variant v) throws IOException {
        BufferedImage img;
        try (InputStream in = blobs.open(v.blobKey())) {
            img = ImageIO.read(in);
        }
        if (img == null) throw new IOException("variant " + v.blobKey() + " could not be decoded");
        return img;
    }

    @Override
    public void recrop(Upload u, FocalPoint focus) throws IOException {
        List<Variant> made = media.variants(List.of(u.id()), false);
        Variant thumb = made.stream().filter(v -> v.name().equals(THUMB.name())).findFirst().orElse(null);
        if (thumb == null) return; // not a picture processing made X's sizes of
        List<Variant> uncropped = made.stream().filter(v -> Images.SIZES.stream().anyMatch(s -> !s.crop() && s.name().equals(v.name()))
                && v.width() != null && v.height() != null).sorted(Comparator.comparingInt(Variant::width)).toList();
        if (uncropped.isEmpty()) return;
        Variant from = uncropped.stream().filter(v -> Math.min(v.width(), v.height()) >= 2 * THUMB.box()).findFirst()
                .orElse(uncropped.getLast());
        BufferedImage img = decoded(from);
        boolean alpha = thumb.contentType().equals("image/png");
        BufferedImage cut = Images.cropped(Images.normalized(img, alpha), focus, THUMB.box());
        kept(u, THUMB.name(), remade(u, THUMB.name()), thumb.contentType(), cut, out -> Images.encode(cut, alpha, out));
    }
}
