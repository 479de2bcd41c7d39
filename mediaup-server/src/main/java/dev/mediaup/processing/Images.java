package dev.mediaup.processing;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.MediaRejected;
import io.trbl.blurhash.BlurHash;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.util.exif.ExifFilterUtils;
import net.coobird.thumbnailator.util.exif.ExifUtils;
import net.coobird.thumbnailator.util.exif.Orientation;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * The image pipeline: header first (a decompression bomb is refused before a pixel is decoded), decode once —
 * subsampled while decoding when the picture is far larger than anything we serve — turn upright from the EXIF
 * orientation, then X's named sizes, each re-encoded from pixels so no EXIF, GPS or XMP survives into what is served.
 * Codecs are ImageIO's with the TwelveMonkeys plugins; resampling is Thumbnailator's.
 */
final class Images {
    static {
        ImageIO.setUseCache(false); // encode to memory-bounded streams, never to temp files
    }

    /** X's sizes: a name, the box it must fit, and whether it is cropped to fill the box. */
    record Size(String name, int box, boolean crop) {}

    static final List<Size> SIZES = List.of(new Size("orig", 4096, false), new Size("large", 2048, false), new Size("medium", 1200, false),
            new Size("small", 680, false), new Size("thumb", 150, true));

    /** One encoded size, ready to be stored; {@code pixelBytes}: the heap its own pixels hold (0 when they are another's). */
    record Rendition(String name, String contentType, int width, int height, long pixelBytes, Encoder bytes) {}

    interface Encoder {
        void writeTo(OutputStream out) throws IOException;
    }

    private final long maxPixels;

    Images(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /**
     * A decoded picture, upright, in the pixel type the sizes are made from. {@link #orig()} and {@link #smaller()}
     * share nothing but the (read-only) decoded pixels, so they can be made on two threads at once: the full-size
     * encode is the largest single step and takes about as long as all the smaller sizes together.
     */
    record Picture(BufferedImage img, boolean alpha, long decodedBytes) {
        /** "orig": the picture itself, or fitted into 4096 when it was decoded larger. */
        Rendition orig() {
            Size s = SIZES.getFirst();
            boolean larger = Math.max(img.getWidth(), img.getHeight()) > s.box();
            return rendition(s, larger ? resize(img, s) : img, larger);
        }

        /**
         * The other sizes, each resampled from the one before it (successive downscales are cheaper and look the same);
         * the cropped thumbnail from the smallest of them still twice its box on the short side: sharp, never upscaled.
         */
        Smaller smaller(FocalPoint focus) throws IOException {
            List<Rendition> out = new ArrayList<>();
            BufferedImage prev = img;
            BufferedImage cover = img;
            int coverMin = 2 * SIZES.getLast().box();
            for (Size s : SIZES.subList(1, SIZES.size())) {
                BufferedImage r;
                if (s.crop()) r = cropped(cover, focus, s.box());
                else r = Math.max(prev.getWidth(), prev.getHeight()) > s.box() ? resize(prev, s) : prev;
                out.add(rendition(s, r, r != prev));
                if (!s.crop()) prev = r;
                if (Math.min(r.getWidth(), r.getHeight()) >= coverMin) cover = r;
            }
            return new Smaller(out, blurhash(prev)); // from the smallest uncropped size: the whole picture, cheaply
        }

        private BufferedImage resize(BufferedImage from, Size s) {
            try {
                return Thumbnails.of(from).size(s.box(), s.box()).imageType(img.getType()).asBufferedImage();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in memory: does not happen
            }
        }

        private Rendition rendition(Size s, BufferedImage r, boolean ownPixels) {
            return new Rendition(s.name(), alpha ? "image/png" : "image/jpeg", r.getWidth(), r.getHeight(), ownPixels ? bytes(r) : 0,
                    o -> encode(r, alpha, o));
        }
    }

    /**
     * The thumb: the largest square of the picture that keeps the focal point as near its centre as the edges allow,
     * fitted into {@code box}.
     */
    static BufferedImage cropped(BufferedImage img, FocalPoint focus, int box) throws IOException {
        int side = Math.min(img.getWidth(), img.getHeight());
        int[] at = focus.cropOrigin(img.getWidth(), img.getHeight(), side, side);
        return Thumbnails.of(img.getSubimage(at[0], at[1], side, side)).size(box, box).imageType(img.getType()).asBufferedImage();
    }

    /** The sizes below "orig", and the picture's placeholder. */
    record Smaller(List<Rendition> sizes, String blurhash) {}

    /**
     * The picture's BlurHash: its placeholder while it loads (what Mastodon and others show). Made from a copy at most
     * 64 px across (the hash keeps only a few cosines of it; more pixels change nothing but the time), transparency
     * on white, with 4 components along the longer side and 3 along the shorter.
     */
    static String blurhash(BufferedImage img) {
        Placeholder p = placeholder(img);
        return BlurHash.encode(p.rgb(), p.width(), p.height(), p.componentsX(), p.componentsY());
    }

    /** What a BlurHash is computed from: a picture's pixels at most 64 px across, and how many cosines each way. */
    record Placeholder(int width, int height, int[] rgb, int componentsX, int componentsY) {}

    static Placeholder placeholder(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        double scale = Math.min(1.0, 64.0 / Math.max(w, h));
        int sw = Math.max(1, (int) Math.round(w * scale)), sh = Math.max(1, (int) Math.round(h * scale));
        BufferedImage small = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sw, sh);
            BufferedImage from = img;
            // halving steps first: one bilinear step from far above would sample a few pixels of each cell, not all
            while (from.getWidth() / 2 >= sw * 2 && from.getHeight() / 2 >= sh * 2) from = half(from);
            g.drawImage(from, 0, 0, sw, sh, null);
        } finally {
            g.dispose();
        }
        return new Placeholder(sw, sh, small.getRGB(0, 0, sw, sh, null, 0, sw), w >= h ? 4 : 3, h >= w ? 4 : 3);
    }

    private static BufferedImage half(BufferedImage img) {
        int type = img.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage out = new BufferedImage(img.getWidth() / 2, img.getHeight() / 2, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Decodes {@code file}: the header first (limits), then the pixels, turned upright. */
    Picture decode(Path file) throws IOException {
        BufferedImage img;
        try (ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) throw new MediaRejected("No decoder accepts this image.");
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, false);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0) throw new MediaRejected("The image has no pixels.");
                if ((long) w * h > maxPixels)
                    throw new MediaRejected("The image is " + w + "x" + h + " pixels, more than the limit of " + maxPixels + ".");
                ImageReadParam param = reader.getDefaultReadParam();
                // decode no more than twice the largest size we serve: a 100 MP photo then costs ~100 MB, not 400
                int twice = 2 * SIZES.getFirst().box();
                int step = Math.max(1, (Math.max(w, h) + twice - 1) / twice);
                if (step > 1) param.setSourceSubsampling(step, step, 0, 0);
                img = reader.read(0, param);
                Orientation o = orientation(reader);
                if (o != null && o != Orientation.TOP_LEFT) img = ExifFilterUtils.getFilterForOrientation(o).apply(img);
            } catch (IOException | RuntimeException e) {
                if (e instanceof MediaRejected) throw e;
                throw new MediaRejected("The image could not be decoded: " + e.getMessage());
            } finally {
                reader.dispose();
            }
        }
        boolean alpha = img.getColorModel().hasAlpha();
        BufferedImage n = normalized(img, alpha);
        return new Picture(n, alpha, n == img ? 0 : bytes(img));
    }

    /** The heap a picture's pixels hold. */
    static long bytes(BufferedImage img) {
        DataBuffer b = img.getRaster().getDataBuffer();
        return (long) b.getSize() * b.getNumBanks() * DataBuffer.getDataTypeSize(b.getDataType()) / 8;
    }

    private static Orientation orientation(ImageReader reader) {
        try {
            return ExifUtils.getExifOrientation(reader, 0);
        } catch (IOException | RuntimeException e) {
            return null; // no readable EXIF: the pixels are upright as stored
        }
    }

    /** INT_RGB (opaque, on white) or INT_ARGB: the types resampling is fast on and the encoders take. */
    static BufferedImage normalized(BufferedImage img, boolean alpha) {
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (img.getType() == type) return img;
        BufferedImage n = new BufferedImage(img.getWidth(), img.getHeight(), type);
        Graphics2D g = n.createGraphics();
        try {
            if (!alpha) {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, img.getWidth(), img.getHeight());
            }
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return n;
    }

    /** JPEG at quality 0.85 (PNG when there is transparency), with no metadata at all. */
    static void encode(BufferedImage img, boolean alpha, OutputStream out) throws IOException {
        encode(img, alpha, out, 0.85f);
    }

    /** {@code quality}: of a JPEG, 0 to 1. */
    static void encode(BufferedImage img, boolean alpha, OutputStream out, float quality) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName(alpha ? "png" : "jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            if (!alpha) {
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality);
            }
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }
}
