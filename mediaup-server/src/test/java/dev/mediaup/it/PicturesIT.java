package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.awt.Color;
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
        server = new ServerProcess(dir.resolve("data"), "--max-transforms-per-media", "8").start();
        api = new Api(server.baseUrl(), server.createToken("3201", "media.write tweet.read"));
        png = Files.write(dir.resolve("src.png"), Api.png(1200, 800, g -> {
            g.setColor(Color.RED);
            g.fillRect(0, 100, 600, 700);
            g.setColor(Color.BLUE);
            g.fillRect(600, 100, 600, 700); // the top band stays black
        }));
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

    @Test
    void picturesAreMadeOnRequestInTheSizeAndFormatAskedForOnceAndWithinBounds() throws Exception {
        Res up = api.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "p.png", Files.readAllBytes(png)));
        String id = up.data().get("id").asString(), key = "3_" + id, large = "/media/" + key + "/large";

        Res webp = api.get(large + "?w=600&fm=webp"); // snapped up to 640, the next size of the ladder
        assertThat(webp.contentType()).isEqualTo("image/webp");
        BufferedImage w = ImageIO.read(new ByteArrayInputStream(webp.body()));
        assertThat(new int[] {w.getWidth(), w.getHeight()}).containsExactly(640, 427);
        assertThat(List.of(name(w.getRGB(100, 300)), name(w.getRGB(540, 300)))).containsExactly("red", "blue");
        Res avif = api.get(large + "?w=256&fm=avif");
        assertThat(avif.contentType()).isEqualTo("image/avif");
        assertThat(new String(avif.body(), 4, 8, StandardCharsets.ISO_8859_1)).isEqualTo("ftypavif");
        assertThat(api.get(large + "?w=600&fm=webp").raw().headers().firstValue("ETag"))
                .as("made once: the same file again").isEqualTo(webp.raw().headers().firstValue("ETag"));

        // the format the client prefers, where the URL names none; the picture itself for clients that accept anything
        assertThat(accepting(large, "image/avif,image/webp,image/apng,*/*;q=0.8").contentType()).isEqualTo("image/avif");
        assertThat(accepting(large, "image/avif;q=0, image/webp").contentType()).isEqualTo("image/webp");
        Res any = accepting(large, "*/*");
        assertThat(any.contentType()).isEqualTo("image/jpeg");
        assertThat(any.raw().headers().firstValue("Vary")).contains("Accept");

        // cover crops keep the focal point in view: the centre square of 1200×800 spans x 200–1000, the rightmost 400–1200
        String cover = large + "?w=256&h=256&fit=cover&fm=png";
        BufferedImage centred = ImageIO.read(new ByteArrayInputStream(ok(api.get(cover)).body()));
        assertThat(new int[] {centred.getWidth(), centred.getHeight()}).containsExactly(256, 256);
        assertThat(name(centred.getRGB(80, 200))).as("x 450 of the picture").isEqualTo("red");
        api.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":{\"x\":1,\"y\":0}}}");
        BufferedImage right = ImageIO.read(new ByteArrayInputStream(api.get(cover).body()));
        assertThat(name(right.getRGB(80, 200))).as("x 650: the crop moved with the focal point").isEqualTo("blue");
        BufferedImage pad = ImageIO.read(new ByteArrayInputStream(api.get(large + "?w=256&h=256&fit=contain&fm=png").body()));
        assertThat(name(pad.getRGB(128, 10))).as("contain: the box, padded").isEqualTo("white");

        // signed URLs: the signature covers the transform, so a public URL cannot be re-sized by whoever holds it
        String url = api.get("/2/media/" + key + "?media.fields=url").data().get("url").asString();
        String signed = url.substring(url.indexOf("/media/"));
        assertThat(api.as(null).get(signed).status()).isEqualTo(200);
        assertThat(api.as(null).get(signed + "&w=64").status()).isEqualTo(404);
        JsonNode listed = api.get("/2/media/" + key + "/variants?w=128&fm=webp").data().get("variants");
        String small = null;
        for (JsonNode v : listed) if (v.get("name").asString().equals("small")) small = v.get("url").asString();
        Res minted = api.as(null).get(small.substring(small.indexOf("/media/")));
        assertThat(minted.contentType()).as("a public URL of a size, signed by the server").isEqualTo("image/webp");
        assertThat(ImageIO.read(new ByteArrayInputStream(minted.body())).getWidth()).isEqualTo(128);

        // bounded: this server allows 8 pictures on request per media; then 429, and what was made is still served
        int status = 0;
        for (int size = 64; size <= 1080 && status != 429; size = size * 2) status = api.get(large + "?w=" + size + "&fm=jpeg").status();
        Res more = api.get(large + "?w=1280&fm=webp");
        assertThat(more.status()).isEqualTo(429);
        assertThat(more.code()).isEqualTo("too_many_transforms");
        assertThat(api.get(large + "?w=600&fm=webp").status()).isEqualTo(200);
        Res video = api.get("/media/" + key + "/original?w=64");
        assertThat(video.code()).isEqualTo("not_a_picture");

        long derived = Backend.blobs(server, "uploads/" + id).keySet().stream().filter(k -> k.contains("/v/x.")).count();
        assertThat(derived).as("one file per distinct request (a cover crop per focal point)").isEqualTo(8);
        assertThat(api.send("DELETE", "/2/media/" + key, null, null).status()).isEqualTo(200);
        assertThat(Backend.blobs(server, "uploads/" + id)).as("gone with the media").isEmpty();
    }

    @Test
    void aVideoHasAStoryboardAndAFrameAtAnyTime() throws Exception {
        byte[] clip = Fixtures.mp4(13, 320, 240);
        String id = api.initialize("video/mp4", "tweet_video", clip.length);
        api.append(id, 0, clip);
        api.finalizeUpload(id);
        api.awaitProcessed(id, java.time.Duration.ofSeconds(120));
        String key = "7_" + id;

        // the storyboard: a WebVTT track of cues into one sprite, thumbnails every 6 s (the renditions' keyframes)
        Res track = api.get("/media/" + key + "/storyboard.vtt");
        assertThat(track.contentType()).startsWith("text/vtt");
        List<String> cues = track.text().lines().filter(l -> l.contains("#xywh=")).toList();
        assertThat(track.text()).startsWith("WEBVTT").contains("00:00:00.000 --> 00:00:06.000").contains("00:00:12.000 --> 00:00:13.");
        assertThat(cues).hasSize(3);
        assertThat(cues.get(1)).as("each cue: a signed URL of the sprite and a tile of it").contains("/media/" + key + "/storyboard.jpg?")
                .contains("sig=").endsWith("#xywh=160,0,160,120");
        String sprite = cues.getFirst().substring(cues.getFirst().indexOf("/media/"), cues.getFirst().indexOf('#'));
        BufferedImage tiles = ImageIO.read(new ByteArrayInputStream(api.as(null).get(sprite).body()));
        assertThat(new int[] {tiles.getWidth(), tiles.getHeight()}).as("three tiles in a row").containsExactly(480, 120);
        assertThat(api.get("/2/media/" + key + "?media.fields=variants").data().get("variants").toString())
                .as("X's variants: the MP4s and the playlist only").doesNotContain("storyboard");

        // a frame at any time, as asked, made once
        Res frame = ok(api.get("/media/" + key + "/frame?t=7.5&w=128"));
        assertThat(frame.contentType()).isEqualTo("image/jpeg");
        assertThat(ImageIO.read(new ByteArrayInputStream(frame.body())).getWidth()).isEqualTo(128);
        assertThat(api.get("/media/" + key + "/frame?t=7.5&w=128").raw().headers().firstValue("ETag"))
                .isEqualTo(frame.raw().headers().firstValue("ETag"));
        assertThat(accepting("/media/" + key + "/frame?t=0", "image/webp").contentType()).isEqualTo("image/webp");
        JsonNode listed = api.get("/2/media/" + key + "/variants?t=7.5&w=128").data().get("variants");
        String signed = null;
        for (JsonNode v : listed) if (v.get("name").asString().equals("frame")) signed = v.get("url").asString();
        assertThat(signed).as("a public URL of a frame, signed with its time").contains("t=7.500");
        Res shared = ok(api.as(null).get(signed.substring(signed.indexOf("/media/"))));
        assertThat(shared.raw().headers().firstValue("ETag")).isEqualTo(frame.raw().headers().firstValue("ETag"));
        assertThat(api.as(null).get(signed.substring(signed.indexOf("/media/")).replace("t=7.500", "t=8.000")).status()).isEqualTo(404);
        assertThat(api.get("/media/" + key + "/frame?t=13").status()).as("the very end").isEqualTo(200);
        Res past = api.get("/media/" + key + "/frame?t=14");
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().get("parameter").asString()).isEqualTo("t");
        assertThat(api.get("/media/" + key + "/frame?t=NaN").status()).isEqualTo(400);
        assertThat(api.get("/media/" + key + "/frame").status()).as("t is required").isEqualTo(400);
        assertThat(api.get("/media/" + key + "/poster?t=1").status()).as("t is for frames").isEqualTo(400);
        Res photo = api.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "p.png", Files.readAllBytes(png)));
        assertThat(api.get("/media/3_" + photo.data().get("id").asString() + "/frame?t=1").code()).isEqualTo("not_a_video");

        // the poster from another frame: made again when set
        String poster = "/media/" + key + "/poster";
        String before = ok(api.get(poster)).raw().headers().firstValue("ETag").orElseThrow();
        assertThat(api.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_poster_time_secs\":10}}").status())
                .isEqualTo(200);
        Res moved = ok(api.get(poster));
        assertThat(moved.raw().headers().firstValue("ETag").orElseThrow()).as("another frame").isNotEqualTo(before);
        assertThat(ImageIO.read(new ByteArrayInputStream(moved.body())).getWidth()).isEqualTo(320);
        for (String bad : List.of("14", "-1", "\"10\""))
            assertThat(api.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_poster_time_secs\":" + bad + "}}")
                    .json().path("parameter").asString()).as(bad).isEqualTo("x_poster_time_secs");
    }

    private static Res ok(Res r) {
        assertThat(r.status()).as("%s; the server's log: %s", r, r.status() == 200 ? "" : server.log().lines().filter(l -> l.contains("ERROR")
                || l.contains("Exception") || l.contains("\tat ") || l.contains("WARN")).limit(20).toList()).isEqualTo(200);
        return r;
    }

    private static Res accepting(String path, String accept) {
        Res r = api.send("GET", path, null, null, "Accept", accept);
        assertThat(r.status()).isEqualTo(200);
        return r;
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
        if (c.getRed() > 240 && c.getGreen() > 240 && c.getBlue() > 240) return "white";
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
