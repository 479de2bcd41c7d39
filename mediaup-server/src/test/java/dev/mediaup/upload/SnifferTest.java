package dev.mediaup.upload;

import dev.mediaup.core.Family;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bytes really are, from their first bytes: the sniffer decides before any decoder runs. */
class SnifferTest {
    private final Sniffer sniffer = new Sniffer(1_000_000);

    static byte[] png(int w, int h) throws IOException {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    Sniffer.Verdict check(Family f, String declared, byte[] bytes) {
        return sniffer.check(f, declared, bytes, () -> new ByteArrayInputStream(bytes));
    }

    @Test
    void anImageIsKnownByItsMagicAndMeasuredFromItsHeader() throws IOException {
        var v = check(Family.IMAGE, "image/jpeg", png(30, 20)); // declared JPEG, really PNG: the bytes win
        assertThat(v.failure()).isNull();
        assertThat(v.mediaType()).isEqualTo("image/png");
        assertThat(v.info().width()).isEqualTo(30);
        assertThat(v.info().height()).isEqualTo(20);
    }

    @Test
    void tooManyPixelsAreRefusedBeforeDecoding() throws IOException {
        var v = check(Family.IMAGE, "image/png", png(1001, 1000));
        assertThat(v.failure().name()).isEqualTo("InvalidMedia");
        assertThat(v.failure().message()).contains("1001x1000");
    }

    /** An ftyp box with these brands, then a meta box whose ipco holds ispe boxes of these sizes. */
    static byte[] heif(String major, List<String> compatible, int[]... sizes) {
        ByteBuffer ipco = ByteBuffer.allocate(8 + 20 * sizes.length).putInt(8 + 20 * sizes.length).put(ascii("ipco"));
        for (int[] s : sizes) ipco.putInt(20).put(ascii("ispe")).putInt(0).putInt(s[0]).putInt(s[1]);
        int iprp = 8 + ipco.capacity(), meta = 12 + iprp, ftyp = 16 + 4 * compatible.size();
        ByteBuffer b = ByteBuffer.allocate(ftyp + meta).putInt(ftyp).put(ascii("ftyp")).put(ascii(major)).putInt(0);
        compatible.forEach(c -> b.put(ascii(c)));
        return b.putInt(meta).put(ascii("meta")).putInt(0).putInt(iprp).put(ascii("iprp")).put(ipco.array()).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void heifPicturesAreKnownByTheirBrandsAndSizedByTheLargestIspe() {
        var heic = check(Family.IMAGE, "image/jpeg", heif("heic", List.of("mif1", "heic"), new int[] {512, 512}, new int[] {800, 600}));
        assertThat(heic.failure()).isNull();
        assertThat(heic.mediaType()).isEqualTo("image/heic");
        assertThat(new int[] {heic.info().width(), heic.info().height()}).as("a grid: its own size, not a tile's").containsExactly(800, 600);
        assertThat(check(Family.IMAGE, "image/png", heif("avif", List.of("avif", "mif1"), new int[] {10, 10})).mediaType())
                .isEqualTo("image/avif");
        assertThat(check(Family.IMAGE, "image/png", heif("mif1", List.of("mif1", "avif"), new int[] {10, 10})).mediaType())
                .as("AVIF by a compatible brand").isEqualTo("image/avif");
        assertThat(check(Family.IMAGE, "image/png", heif("mif1", List.of("mif1"), new int[] {10, 10})).mediaType()).isEqualTo("image/heif");
        var huge = check(Family.IMAGE, "image/heic", heif("heic", List.of("heic"), new int[] {512, 512}, new int[] {0x10000, 0x10000}));
        assertThat(huge.failure().message()).as("refused from the header").contains("65536x65536");
        var sideways = check(Family.IMAGE, "image/heic", heif("heic", List.of("heic"), new int[] {-1, 2}));
        assertThat(sideways.failure().message()).as("an unsigned 4294967295 × 2").contains("4294967295x2");
        assertThat(check(Family.IMAGE, "image/heic", heif("heic", List.of("heic"))).failure().message()).contains("names no image size");
        assertThat(check(Family.VIDEO, "video/mp4", heif("heic", List.of("heic"), new int[] {10, 10})).failure().message())
                .as("a picture is no video").contains("not a supported video");
    }

    @Test
    void textIsNotAnImageNorAVideo() {
        byte[] text = "hello, world".getBytes(StandardCharsets.US_ASCII);
        assertThat(check(Family.IMAGE, "image/png", text).failure().message()).contains("not a supported image");
        assertThat(check(Family.VIDEO, "video/mp4", text).failure().message()).contains("not a supported video");
        assertThat(check(Family.GIF, "image/gif", text).failure().message()).contains("not a GIF");
    }

    @Test
    void mpegTsIsKnownByItsSyncBytes() {
        byte[] ts = new byte[188 * 4];
        for (int i = 0; i < ts.length; i += 188) ts[i] = 0x47;
        assertThat(Sniffer.detect(ts)).isEqualTo("video/mp2t");
        assertThat(check(Family.VIDEO, "video/mp2t", ts).failure()).isNull();
    }

    /** An ftyp box with this major brand and these compatible brands, then an empty mdat. */
    static byte[] ftyp(String major, String... compatible) {
        var b = java.nio.ByteBuffer.allocate(16 + 4 * compatible.length + 8);
        b.putInt(16 + 4 * compatible.length).put("ftyp".getBytes()).put(major.getBytes()).putInt(0x200);
        for (String c : compatible) b.put(c.getBytes());
        b.putInt(8).put("mdat".getBytes());
        return b.array();
    }

    @Test
    void isoMediaIsTypedByItsMajorBrandAsXDoes() {
        assertThat(Sniffer.detect(ftyp("isom", "isom", "iso2", "avc1", "mp41"))).isEqualTo("video/mp4"); // what ffmpeg writes
        assertThat(Sniffer.detect(ftyp("mp42", "isom"))).isEqualTo("video/mp4");
        assertThat(Sniffer.detect(ftyp("M4V ", "M4V ", "mp42"))).isEqualTo("video/mp4");
        assertThat(Sniffer.detect(ftyp("qt  ", "qt  "))).isEqualTo("video/quicktime");
        assertThat(check(Family.VIDEO, "video/mp4", ftyp("isom", "iso2")).info().videoType()).isEqualTo("video/mp4");
    }

    @Test
    void subtitlesMustBeUtf8TextOfTheirDeclaredFormat() {
        assertThat(check(Family.SUBTITLES, "text/vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n".getBytes()).failure()).isNull();
        assertThat(check(Family.SUBTITLES, "text/vtt", "1\n00:00:00,000 --> 00:00:01,000\nhi\n".getBytes()).failure().message())
                .contains("WEBVTT");
        assertThat(check(Family.SUBTITLES, "text/srt", "\uFEFF1\n00:00:00,000 --> 00:00:01,000\nhé\n".getBytes(StandardCharsets.UTF_8))
                .failure()).isNull();
        assertThat(check(Family.SUBTITLES, "text/srt", new byte[]{'1', '\n', (byte) 0xC3, 0x28, '\n'}).failure().message())
                .contains("UTF-8");
    }

    @Test
    void modelsAreKnownByTheirContainer() {
        byte[] glb = "glTF\u0002\u0000\u0000\u0000xxxxxxxx".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(check(Family.MODEL, "model/gltf-binary", glb).failure()).isNull();
        assertThat(check(Family.MODEL, "model/gltf-binary", "nope nope nope".getBytes()).failure()).isNotNull();
        assertThat(check(Family.MODEL, "model/vnd.usdz+zip", "PK\u0003\u0004rest".getBytes(StandardCharsets.ISO_8859_1)).failure()).isNull();
    }
}
