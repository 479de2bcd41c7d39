package dev.mediaup.upload;

import dev.mediaup.core.Failure;
import dev.mediaup.core.Family;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.MediaTypes;
import org.apache.tika.Tika;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decides what the uploaded bytes really are from their first bytes (Apache Tika's magic database) and, for images,
 * reads width and height from the header with ImageIO (TwelveMonkeys plugins) without decoding pixels.
 */
public final class Sniffer {
    public static final int PREFIX = 64 * 1024;
    private static final Tika TIKA = new Tika();

    /** The verdict: the real media type and what the header told, or why the bytes are refused. */
    public record Verdict(String mediaType, MediaInfo info, Failure failure) {
        static Verdict fail(String message) { return new Verdict(null, MediaInfo.NONE, new Failure(1, "InvalidMedia", message)); }
    }

    private final long maxPixels;

    public Sniffer(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** Checks bytes against the declared family; {@code content} supplies the whole media as a stream (read lazily). */
    public Verdict check(Family family, String declaredType, byte[] prefix, IoSupplier<InputStream> content) {
        String detected = detect(prefix);
        return switch (family) {
            case IMAGE -> MediaTypes.HEIF.contains(detected) ? heifHeader(detected, content)
                    : MediaTypes.IMAGE.contains(detected) ? imageHeader(detected, content)
                    : Verdict.fail("The media is not a supported image (found " + detected + ", declared " + declaredType + ").");
            case GIF -> detected.equals("image/gif") ? imageHeader(detected, content)
                    : Verdict.fail("The media is not a GIF (found " + detected + ").");
            case VIDEO, AMPLIFY_VIDEO -> MediaTypes.VIDEO.contains(detected)
                    ? new Verdict(detected, new MediaInfo(null, null, null, detected, null), null)
                    : Verdict.fail("The media is not a supported video (found " + detected + ", declared " + declaredType + ").");
            case SUBTITLES -> subtitles(declaredType, prefix);
            case MODEL -> model(declaredType, prefix);
        };
    }

    /** Tika's answer narrowed to the names the protocol uses. */
    public static String detect(byte[] prefix) {
        String iso = isoBmff(prefix);
        if (iso != null) return iso;
        String t = TIKA.detect(prefix);
        // Tika's magic has no rule for MPEG-TS: 188-byte packets, each opening with the sync byte 0x47
        if (t.equals("application/octet-stream") && prefix.length >= 3 * 188 && prefix[0] == 0x47 && prefix[188] == 0x47
                && prefix[376] == 0x47)
            return "video/mp2t";
        return switch (t) {
            case "image/x-ms-bmp" -> "image/bmp";
            case "video/x-m4v", "application/mp4", "video/3gpp" -> "video/mp4";
            case "video/x-matroska", "application/x-matroska" -> "video/webm";
            case "video/x-mpegts" -> "video/mp2t";
            default -> t;
        };
    }

    /**
     * ISO base media files by their major brand, as X types them: QuickTime's {@code qt  } is video/quicktime, the
     * MP4 family (isom, iso2…, mp41, mp42, avc1, M4V, 3GPP, DASH…) video/mp4. Tika calls many plain MP4s QuickTime;
     * other brands (HEIF, AVIF, M4A audio) are left to Tika.
     */
    private static String isoBmff(byte[] prefix) {
        if (prefix.length < 12 || prefix[4] != 'f' || prefix[5] != 't' || prefix[6] != 'y' || prefix[7] != 'p') return null;
        String brand = new String(prefix, 8, 4, StandardCharsets.ISO_8859_1);
        if (brand.equals("qt  ")) return "video/quicktime";
        for (String mp4 : MP4_BRANDS) if (brand.startsWith(mp4)) return "video/mp4";
        return heif(prefix, brand);
    }

    /**
     * HEIF pictures by brand: AVIF ({@code avif}, or {@code avif} among the compatible brands of a {@code mif1} file),
     * HEIC (HEVC-coded: {@code heic}, {@code heix}, {@code heim}, {@code heis}), other HEIF ({@code mif1}, {@code msf1}).
     * Image sequences ({@code avis}, {@code hevc}) are not photos: left to Tika, so refused as pictures.
     */
    private static String heif(byte[] prefix, String major) {
        long boxSize = Integer.toUnsignedLong(ByteBuffer.wrap(prefix, 0, 4).getInt());
        int end = (int) Math.min(Math.min(boxSize, prefix.length), 256);
        boolean avif = major.equals("avif"), heic = Set.of("heic", "heix", "heim", "heis").contains(major);
        for (int at = 16; at + 4 <= end; at += 4) {
            String compatible = new String(prefix, at, 4, StandardCharsets.ISO_8859_1);
            avif |= compatible.equals("avif");
            heic |= compatible.equals("heic") || compatible.equals("heix");
        }
        if (avif && (major.equals("avif") || major.equals("mif1"))) return "image/avif";
        if (heic) return "image/heic";
        return major.equals("mif1") || major.equals("msf1") ? "image/heif" : null;
    }

    private static final List<String> MP4_BRANDS = List.of("iso", "mp41", "mp42", "mp71", "avc1", "M4V", "3gp", "3g2", "dash", "mmp4",
            "MSNV", "f4v", "XAVC", "NDAS", "CAEP", "kddi");

    /** A HEIF picture's size from its header ({@link HeifHeader}): refused before a pixel is decoded when too large. */
    private Verdict heifHeader(String detected, IoSupplier<InputStream> content) {
        try (InputStream in = content.get()) {
            var size = HeifHeader.read(in);
            if (size.isEmpty()) return Verdict.fail("The " + detected + " header names no image size.");
            long w = size.get().width(), h = size.get().height();
            if (size.get().pixels() > maxPixels)
                return Verdict.fail("The image is " + w + "x" + h + " pixels, more than the limit of " + maxPixels + ".");
            return new Verdict(detected, new MediaInfo((int) w, (int) h, detected, null, null), null);
        } catch (IOException | RuntimeException e) {
            return Verdict.fail("The " + detected + " header could not be read: " + e.getMessage());
        }
    }

    private Verdict imageHeader(String detected, IoSupplier<InputStream> content) {
        try (InputStream in = content.get(); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) return Verdict.fail("No decoder accepts this " + detected + " file.");
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0) return Verdict.fail("The image has no pixels.");
                if ((long) w * h > maxPixels)
                    return Verdict.fail("The image is " + w + "x" + h + " pixels, more than the limit of " + maxPixels + ".");
                return new Verdict(detected, new MediaInfo(w, h, detected, null, null), null);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Verdict.fail("The " + detected + " header could not be read: " + e.getMessage());
        }
    }

    private static Verdict subtitles(String declared, byte[] prefix) {
        int len = prefix.length;
        // a multi-byte character may be cut at the end of the prefix: decode leniently there only
        int safe = Math.max(0, len - 4);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(prefix, 0, len < PREFIX ? len : safe));
        } catch (CharacterCodingException e) {
            return Verdict.fail("Subtitles must be UTF-8 text.");
        }
        String head = new String(prefix, 0, Math.min(len, 256), StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
        for (byte b : prefix) if (b == 0) return Verdict.fail("Subtitles must be text, not binary data.");
        if (declared.equals("text/vtt") && !head.startsWith("WEBVTT")) return Verdict.fail("A WebVTT file must start with WEBVTT.");
        if (declared.equals("text/srt") && !(head.isEmpty() || Character.isDigit(head.charAt(0))))
            return Verdict.fail("An SRT file must start with a cue number.");
        return new Verdict(declared, MediaInfo.NONE, null);
    }

    private static final Set<String> ZIP = Set.of("application/zip", "model/vnd.usdz+zip");

    private static Verdict model(String declared, byte[] p) {
        if (declared.equals("model/gltf-binary"))
            return p.length >= 12 && p[0] == 'g' && p[1] == 'l' && p[2] == 'T' && p[3] == 'F'
                    ? new Verdict(declared, MediaInfo.NONE, null) : Verdict.fail("A GLB file must start with the glTF magic.");
        return ZIP.contains(TIKA.detect(p)) || (p.length > 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4)
                ? new Verdict(declared, MediaInfo.NONE, null) : Verdict.fail("A USDZ file must be a zip archive.");
    }

    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }
}
