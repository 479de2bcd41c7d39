package dev.mediaup.it;

import dev.mediaup.processing.Ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Media made by the tests themselves with the same bundled ffmpeg the server runs (generated once per JVM, cached
 * under target/fixtures), plus the hand-made broken files no encoder would write.
 */
public final class Fixtures {
    private Fixtures() {}

    private static final Ffmpeg FFMPEG = new Ffmpeg(null, Ffmpeg.Limits.defaults());
    private static final Path DIR = Path.of("target", "fixtures").toAbsolutePath();
    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    /** Runs ffmpeg with {@code args} (output file name last, relative to the fixtures dir) and returns the file's bytes. */
    public static byte[] ffmpeg(String output, String... args) {
        return CACHE.computeIfAbsent(output, o -> {
            try {
                Files.createDirectories(DIR);
                Path out = DIR.resolve(o);
                if (!Files.exists(out)) {
                    List<String> all = new ArrayList<>(List.of("-nostdin", "-v", "error", "-y"));
                    all.addAll(List.of(args));
                    Path tmp = DIR.resolve("tmp-" + o);
                    all.add(tmp.toString());
                    StringBuilder sb = new StringBuilder();
                    Ffmpeg.Result r = FFMPEG.ffmpeg(all, DIR, 300, sb::append);
                    if (!r.ok()) throw new IllegalStateException("fixture " + o + ": " + r.stderrTail());
                    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return Files.readAllBytes(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A short real H.264/AAC MP4 of {@code seconds} at w×h, moov first. */
    public static byte[] mp4(int seconds, int w, int h) {
        return ffmpeg("clip-" + seconds + "s-" + w + "x" + h + ".mp4", "-f", "lavfi", "-i", "testsrc2=size=" + w + "x" + h + ":rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", Integer.toString(seconds), "-c:v", "libopenh264", "-b:v", "1M",
                "-c:a", "aac", "-shortest", "-movflags", "+faststart");
    }

    /** The smallest playable MP4 the tests use: one second, 128×72. */
    public static byte[] tinyMp4() {
        return mp4(1, 128, 72);
    }

    /** An animated GIF of {@code frames} frames at w×h. */
    public static byte[] gif(int frames, int w, int h) {
        return ffmpeg("anim-" + frames + "-" + w + "x" + h + ".gif", "-f", "lavfi", "-i", "testsrc2=size=" + w + "x" + h + ":rate=25",
                "-frames:v", Integer.toString(frames));
    }

    /** A phone-style portrait clip: 320×240 pixels stored, with a display matrix saying "rotate 90°". */
    public static byte[] rotatedMp4() {
        mp4(2, 320, 240); // makes the source file in the fixtures dir
        return ffmpeg("rotated.mp4", "-display_rotation", "90", "-i", DIR.resolve("clip-2s-320x240.mp4").toString(), "-c", "copy");
    }

    public static byte[] webm(int seconds) {
        return ffmpeg("clip-" + seconds + "s.webm", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", Integer.toString(seconds),
                "-c:v", "libvpx", "-b:v", "200k");
    }

    public static byte[] ts(int seconds) {
        return ffmpeg("clip-" + seconds + "s.ts", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", Integer.toString(seconds),
                "-c:v", "libopenh264", "-b:v", "300k", "-f", "mpegts");
    }

    public static byte[] mov(int seconds) {
        return ffmpeg("clip-" + seconds + "s.mov", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", Integer.toString(seconds),
                "-c:v", "mjpeg", "-q:v", "5", "-f", "mov");
    }

    /**
     * The head of a playable MP4 of exactly {@code total} bytes: the tiny clip, then the header of an ISO-BMFF "free"
     * box that covers the rest (whatever bytes follow are padding a demuxer skips). So tests can move any amount of
     * bytes and still have media that really processes.
     */
    public static byte[] mp4Head(long total) {
        byte[] clip = tinyMp4();
        long rest = total - clip.length;
        if (rest < 16) throw new IllegalArgumentException("an MP4 of " + total + " bytes is smaller than the " + clip.length + "-byte clip");
        ByteBuffer b = ByteBuffer.allocate(clip.length + 16).put(clip);
        b.putInt(1).put("free".getBytes()).putLong(rest); // 64-bit box size: padding beyond 4 GiB works too
        return b.array();
    }

    /** A playable MP4 of exactly {@code size} bytes (random padding after the clip). */
    /** {@code mp4} with a top-level free box after it, {@code size} bytes in all: the same clip to any player. */
    public static byte[] withFreeBox(byte[] mp4, int size) {
        byte[] b = java.util.Arrays.copyOf(mp4, size);
        java.nio.ByteBuffer.wrap(b, mp4.length, 8).putInt(size - mp4.length).put("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b;
    }

    public static byte[] paddedMp4(int size) {
        byte[] head = mp4Head(size);
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    /**
     * A JPEG w×h with an EXIF block saying "rotate 90° clockwise to view" (orientation 6) and a GPS IFD: what a phone
     * writes. Delivery must show it upright and without any of it.
     */
    public static byte[] jpegWithExif(int w, int h) {
        try {
            var img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.setColor(java.awt.Color.RED);
            g.fillRect(0, 0, w / 2, h); // left half red: after rotation the top half is red
            g.dispose();
            var out = new ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, "jpeg", out);
            byte[] jpeg = out.toByteArray();
            // TIFF little-endian: IFD0 {Orientation=6, GPSInfo->IFD1}, GPS IFD {GPSLatitudeRef="N"}
            ByteBuffer t = ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
            t.putShort((short) 2);
            t.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) 6).putShort((short) 0);
            t.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(38);
            t.putInt(0);
            t.putShort((short) 1);
            t.putShort((short) 0x0001).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
            t.putInt(0);
            byte[] tiff = java.util.Arrays.copyOf(t.array(), t.position());
            byte[] exifHeader = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int len = 2 + exifHeader.length + tiff.length;
            var app1 = new ByteArrayOutputStream();
            app1.write(0xFF);
            app1.write(0xE1);
            app1.write(len >> 8);
            app1.write(len & 0xFF);
            app1.write(exifHeader);
            app1.write(tiff);
            // after SOI; ImageIO's JFIF APP0 may follow — readers take EXIF from APP1 wherever it sits among the headers
            var all = new ByteArrayOutputStream();
            all.write(jpeg, 0, 2);
            all.write(app1.toByteArray());
            all.write(jpeg, 2, jpeg.length - 2);
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG whose header claims 30000×30000 pixels (900 MP) with almost no data: a decompression bomb. */
    public static byte[] pngBomb() {
        byte[] png = Api.png(1, 1);
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 30000).putInt(20, 30000); // IHDR width/height
        var crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17); // "IHDR" + 13 bytes of data
        b.putInt(29, (int) crc.getValue());
        return png;
    }
}
