package dev.mediaup.processing;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.MediaRejected;
import dev.mediaup.core.Transform;
import dev.mediaup.core.Unavailable;
import dev.mediaup.store.BlobStore;
import net.coobird.thumbnailator.Thumbnails;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Pictures made on request: shaped to the box in Java, encoded by ImageIO (JPEG, PNG) or ffmpeg (WebP, AVIF). */
final class PictureEncoder {
    /** A picture of at most 2048 px encodes in well under a second; far longer is something wrong. */
    private static final long TIMEOUT_SECS = 30;

    private final Ffmpeg ffmpeg;
    private final Path scratch;

    PictureEncoder(Ffmpeg ffmpeg, Path scratch) {
        this.ffmpeg = ffmpeg;
        this.scratch = scratch;
    }

    /**
     * The picture shaped as {@code t} asks: {@code inside} fitted into the box (never enlarged), {@code contain} fitted
     * and centred on a box-sized canvas (white, or transparent where the picture has transparency), {@code cover} the
     * largest part of the box's shape around {@code focus}, scaled to fill it. Sizes follow from {@code sw}×{@code sh},
     * the size of the picture asked for ({@code img} may be a smaller copy of it), so they never depend on which.
     */
    static BufferedImage shaped(BufferedImage img, int sw, int sh, Transform t, FocalPoint focus) throws IOException {
        int w = t.width(), h = t.height();
        return switch (t.fit()) {
            case INSIDE -> {
                double s = Math.min(1.0, Math.min(w > 0 ? (double) w / sw : 1.0, h > 0 ? (double) h / sh : 1.0));
                yield resized(img, Math.max(1, (int) Math.round(sw * s)), Math.max(1, (int) Math.round(sh * s)));
            }
            case CONTAIN -> {
                double s = Math.min((double) w / sw, (double) h / sh);
                BufferedImage fitted = resized(img, Math.max(1, (int) Math.round(sw * s)), Math.max(1, (int) Math.round(sh * s)));
                BufferedImage canvas = new BufferedImage(w, h, img.getType());
                Graphics2D g = canvas.createGraphics();
                try {
                    if (!img.getColorModel().hasAlpha()) {
                        g.setColor(Color.WHITE);
                        g.fillRect(0, 0, w, h);
                    }
                    g.drawImage(fitted, (w - fitted.getWidth()) / 2, (h - fitted.getHeight()) / 2, null);
                } finally {
                    g.dispose();
                }
                yield canvas;
            }
            case COVER -> {
                int iw = img.getWidth(), ih = img.getHeight(); // the crop is cut from the pixels at hand
                boolean wider = (long) iw * h > (long) ih * w;
                int cw = wider ? Math.max(1, (int) Math.round((double) ih * w / h)) : iw;
                int ch = wider ? ih : Math.max(1, (int) Math.round((double) iw * h / w));
                int[] at = focus.cropOrigin(iw, ih, cw, ch);
                yield resized(img.getSubimage(at[0], at[1], cw, ch), w, h);
            }
        };
    }

    private static BufferedImage resized(BufferedImage img, int w, int h) throws IOException {
        if (img.getWidth() == w && img.getHeight() == h) return img;
        return Thumbnails.of(img).forceSize(w, h).imageType(img.getType()).asBufferedImage();
    }

    void encode(BufferedImage img, boolean alpha, Transform t, OutputStream out) throws IOException {
        switch (t.format()) {
            case JPEG -> Images.encode(Images.normalized(img, false), false, out, t.quality() / 100f);
            case PNG -> Images.encode(img, true, out, 0);
            case WEBP, AVIF -> viaFfmpeg(t.format() == Transform.Format.AVIF ? Images.normalized(img, false) : img, t, out);
        }
    }

    /**
     * The frame of a rendition (our own MP4) at {@code atMs}: ffmpeg seeks to it and writes it as a PNG, read here. The
     * rendition is read in place where blobs are files, else copied to scratch first.
     */
    BufferedImage frameAt(BlobStore blobs, String key, long atMs) throws IOException {
        Files.createDirectories(scratch);
        Path dir = Files.createTempDirectory(scratch, "frame");
        try {
            var local = blobs.capabilities().local();
            Path video = local.isPresent() ? local.get().path(key) : dir.resolve("video.mp4");
            if (!Files.exists(video)) try (InputStream in = blobs.open(key)) {
                Files.copy(in, video);
            }
            Path still = dir.resolve("still.png");
            Ffmpeg.Result r = run(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", Ffmpeg.PROTOCOLS,
                    "-ss", String.format(Locale.ROOT, "%d.%03d", atMs / 1000, atMs % 1000), "-f", "mov", "-i", "file:" + video,
                    "-map", "0:v:0", "-frames:v", "1", "-map_metadata", "-1", "-c:v", "png", "-f", "image2", "-update", "1", "-y",
                    still.toString()), dir);
            // a time at the very end may have no frame after it: the last one is the frame there
            if ((!r.ok() || !Files.isRegularFile(still)) && atMs > 0)
                r = run(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", Ffmpeg.PROTOCOLS, "-sseof", "-1",
                        "-f", "mov", "-i", "file:" + video, "-map", "0:v:0", "-update", "1", "-c:v", "png", "-f", "image2", "-y",
                        still.toString()), dir);
            if (!r.ok() || !Files.isRegularFile(still))
                throw new IOException("no frame at " + atMs + " ms: " + Video.lastLine(r.stderrTail()));
            BufferedImage img = ImageIO.read(still.toFile());
            if (img == null) throw new IOException("the frame at " + atMs + " ms could not be read");
            return img;
        } finally {
            Ffmpeg.deleteTree(dir);
        }
    }

    private Ffmpeg.Result run(List<String> args, Path dir) throws IOException {
        try {
            Ffmpeg.Result r = ffmpeg.ffmpeg(args, dir, Math.min(TIMEOUT_SECS, ffmpeg.limits().timeoutSecs()), l -> { });
            ffmpeg.checkOpen();
            return r;
        } catch (Ffmpeg.NotRunnable e) {
            throw new Unavailable("processing", e.getMessage(), e);
        }
    }

    /** WebP (libwebp, transparency kept) and AVIF (libaom, still picture) from a PNG of the pixels, in a scratch dir. */
    private void viaFfmpeg(BufferedImage img, Transform t, OutputStream out) throws IOException {
        Files.createDirectories(scratch);
        Path dir = Files.createTempDirectory(scratch, "picture");
        try {
            Path in = dir.resolve("in.png"), made = dir.resolve(t.format() == Transform.Format.AVIF ? "out.avif" : "out.webp");
            ImageIO.write(img, "png", in.toFile());
            List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist",
                    Ffmpeg.PROTOCOLS, "-f", "png_pipe", "-i", "file:" + in, "-frames:v", "1", "-map_metadata", "-1"));
            if (t.format() == Transform.Format.AVIF)
                args.addAll(List.of("-pix_fmt", "yuv420p", "-c:v", "libaom-av1", "-still-picture", "1", "-cpu-used", "8", "-row-mt", "1",
                        "-crf", Integer.toString(Math.clamp(Math.round((100 - t.quality()) * 0.5f) + 12, 0, 63)), "-f", "avif"));
            else args.addAll(List.of("-c:v", "libwebp", "-quality", Integer.toString(t.quality()), "-f", "webp"));
            args.addAll(List.of("-y", made.toString()));
            Ffmpeg.Result r = run(args, dir);
            if (!r.ok() || !Files.isRegularFile(made) || Files.size(made) == 0)
                throw new MediaRejected("The picture could not be encoded as " + t.format().wire() + ": " + Video.lastLine(r.stderrTail()));
            Files.copy(made, out);
        } finally {
            Ffmpeg.deleteTree(dir);
        }
    }
}
