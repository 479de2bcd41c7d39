package dev.mediaup.processing;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.media.Crops;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MediaStore;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;

/**
 * The thumb cut again around a focal point set after processing: from the smallest size processing made that still
 * covers the thumb twice (so it stays sharp), decoded from our own JPEG/PNG, never from the upload — a few
 * milliseconds, so it runs while the metadata request waits. The new thumb is a blob of its own; the one it replaces
 * goes once no media refers to it.
 */
public final class FocalCrops implements Crops {
    private static final Images.Size THUMB = Images.SIZES.getLast();

    private final MediaStore media;
    private final BlobStore blobs;
    private final VariantWriter writer;

    public FocalCrops(MediaStore media, BlobStore blobs) {
        this.media = media;
        this.blobs = blobs;
        this.writer = new VariantWriter(blobs, media);
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
        BufferedImage img;
        try (InputStream in = blobs.open(from.blobKey())) {
            img = ImageIO.read(in);
        }
        if (img == null) throw new IOException("variant " + from.blobKey() + " could not be decoded");
        boolean alpha = thumb.contentType().equals("image/png");
        BufferedImage cut = Images.cropped(Images.normalized(img, alpha), focus, THUMB.box());
        String key = BlobKeys.remade(u.id(), THUMB.name(), ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        Variant v = writer.store(u, THUMB.name(), key, thumb.contentType(), cut.getWidth(), cut.getHeight(), null,
                out -> Images.encode(cut, alpha, out));
        writer.recorded(u, List.of(v));
    }
}
