package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Photos from phones and the modern web — HEIC and AVIF, made here by the real encoders (libheif's heif-enc, libavif's
 * avifenc, from Debian) — through X's endpoints (extension media types), one-shot uploads (sniffed) and tus: ordinary
 * photos with X's JPEG sizes, upright, sized from the header before anything decodes them.
 */
class PicturesIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    /** 1200×800: red on the left half, blue on the right, a dark band along the top (which way is up). */
    static Path png;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data")).start();
        api = new Api(server.baseUrl(), server.createToken("3201", "media.write tweet.read"));
        BufferedImage img = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 600, 800);
        g.setColor(Color.BLUE);
        g.fillRect(600, 0, 600, 800);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 1200, 100);
        g.dispose();
        png = dir.resolve("src.png");
        ImageIO.write(img, "png", png.toFile());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void heicAndAvifAreOrdinaryPhotosWithXsSizesThroughEveryDialect() throws Exception {
        byte[] heic = encode("heif-enc", "-q", "80", "-o", "{out}", "{in}");
        byte[] avif = encode("avifenc", "-s", "8", "{in}", "{out}");
        byte[] grid = encode("avifenc", "-s", "8", "-g", "2x2", "{in}", "{out}");

        // X's endpoints, with the extension media types
        String viaX = api.initialize("image/heic", "tweet_image", heic.length);
        assertThat(api.append(viaX, 0, heic).status()).isEqualTo(200);
        JsonNode done = api.finalizeUpload(viaX).data();
        assertThat(done.get("image").get("image_type").asString()).isEqualTo("image/heic");
        assertPhoto(viaX, 1200, 800);

        // one-shot: nothing but the bytes says what they are
        Res oneShot = api.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "photo.bin", avif));
        assertPhoto(oneShot.data().get("id").asString(), 1200, 800);

        // tus, and an AVIF grid of four tiles: the whole picture, not its first tile
        Res tus = api.send("POST", "/files", "application/offset+octet-stream", grid, "Tus-Resumable", GrantsIT.TUS,
                "Upload-Length", Integer.toString(grid.length), "Upload-Metadata", "filetype " + GrantsIT.b64("image/avif"));
        assertThat(tus.status()).as(tus.toString()).isEqualTo(201);
        assertPhoto(tus.raw().headers().firstValue("Mediaup-Media-Id").orElseThrow(), 1200, 800);
    }

    @Test
    void aRotatedAvifIsServedUpright() throws Exception {
        byte[] rotated = encode("avifenc", "-s", "8", "--irot", "1", "{in}", "{out}"); // 90° anticlockwise when shown
        String id = api.initialize("image/avif", "tweet_image", rotated.length);
        api.append(id, 0, rotated);
        assertThat(api.finalizeUpload(id).status()).isEqualTo(200);
        BufferedImage large = assertPhoto(id, 800, 1200);
        // turned anticlockwise, the top band (black) is now on the left and the red half at the bottom
        assertThat(name(large.getRGB(20, 600))).isEqualTo("black");
        assertThat(name(large.getRGB(400, 1100))).isEqualTo("red");
        assertThat(name(large.getRGB(400, 300))).isEqualTo("blue");
    }

    @Test
    void aHeicWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeAnythingDecodesIt() throws Exception {
        byte[] heic = encode("heif-enc", "-q", "50", "-o", "{out}", "{in}");
        byte[] huge = heic.clone();
        int at = new String(huge, StandardCharsets.ISO_8859_1).indexOf("ispe");
        assertThat(at).isPositive();
        for (int i = 0; i < 8; i++) huge[at + 8 + i] = (byte) (i % 4 == 1 ? 0x01 : 0); // 65536 × 65536
        String id = api.initialize("image/heic", "tweet_image", huge.length);
        api.append(id, 0, huge);
        JsonNode failed = api.finalizeUpload(id).json();
        assertThat(failed.get("data").get("processing_info").get("state").asString()).isEqualTo("failed");
        assertThat(failed.get("errors").get(0).get("title").asString()).isEqualTo("InvalidMedia");
        assertThat(failed.get("errors").get(0).get("detail").asString()).contains("65536x65536").contains("more than the limit");

        byte[] notReally = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic and then nothing at all".getBytes(StandardCharsets.ISO_8859_1);
        String bad = api.initialize("image/heic", "tweet_image", notReally.length);
        api.append(bad, 0, notReally);
        JsonNode refused = api.finalizeUpload(bad).json();
        assertThat(refused.get("data").get("processing_info").get("state").asString()).isEqualTo("failed");
        assertThat(refused.get("errors").get(0).get("detail").asString()).contains("names no image size");
    }

    /** The media succeeded as a photo of that size, with X's sizes as JPEGs; its "large" size, decoded. */
    private static BufferedImage assertPhoto(String id, int w, int h) throws Exception {
        JsonNode m = api.get("/2/media/3_" + id + "?media.fields=type,width,height,url").data();
        assertThat(m.get("type").asString()).isEqualTo("photo");
        assertThat(m.get("width").asInt()).isEqualTo(w);
        assertThat(m.get("height").asInt()).isEqualTo(h);
        for (String size : List.of("orig", "large", "medium", "small", "thumb")) {
            Res r = api.get("/media/3_" + id + "/" + size);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("image/jpeg");
        }
        Res large = api.get("/media/3_" + id + "/large");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(large.body()));
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(w, h);
        return img;
    }

    private static String name(int rgb) {
        Color c = new Color(rgb);
        if (c.getRed() < 50 && c.getGreen() < 50 && c.getBlue() < 50) return "black";
        if (c.getRed() > 180 && c.getBlue() < 80) return "red";
        if (c.getBlue() > 180 && c.getRed() < 80) return "blue";
        return c.toString();
    }

    /** Runs a real encoder over the fixture PNG; the file it wrote. */
    private static byte[] encode(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "enc", command[0].equals("heif-enc") ? ".heic" : ".avif");
        List<String> cmd = java.util.Arrays.stream(command).map(a -> a.replace("{in}", png.toString()).replace("{out}", out.toString()))
                .toList();
        ClientCompatIT.run(new ProcessBuilder(cmd).directory(dir.toFile()), 120);
        return Files.readAllBytes(out);
    }
}
