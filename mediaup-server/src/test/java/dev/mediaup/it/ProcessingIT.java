package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import dev.mediaup.processing.Ffmpeg;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.mediaup.it.Api.assertMatchesSchema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processing end to end: every media type of the spec through the real server and the bundled ffmpeg, what is
 * served (sizes, renditions, posters, WebVTT) checked by decoding it, and a corpus of broken files that must each end
 * as a failed upload with a useful error, in bounded time.
 */
class ProcessingIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        // tight limits so the "too long" and "runs forever" cases are quick
        server = new ServerProcess(dir.resolve("data"), "--max-duration-secs", "tweet_video=6", "--max-gif-frames", "2000",
                "--category-limits", "tweet_gif=20971520").start();
        api = new Api(server.baseUrl(), server.createToken("700", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** initialize, one append, finalize, then STATUS until processing ends. */
    static JsonNode upload(Api api, String type, String category, byte[] bytes) throws InterruptedException {
        String id = api.initialize(type, category, bytes.length);
        Res a = api.append(id, 0, bytes);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        Res f = api.finalizeUpload(id);
        assertThat(f.status()).as(f.toString()).isEqualTo(200);
        return api.awaitProcessed(id, Duration.ofSeconds(90));
    }

    static JsonNode media(String key) {
        Res r = api.get("/2/media/" + key + "?media.fields=url,variants,preview_image_url,width,height,duration_ms,type");
        assertMatchesSchema(r.json(), "GetMediaByMediaKeyResponse");
        return r.data();
    }

    static byte[] fetch(String url) {
        Res r = api.as(null).get(url.substring(server.baseUrl().length()));
        assertThat(r.status()).as(url).isEqualTo(200);
        return r.body();
    }

    static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).isNotNull();
        return img;
    }

    static byte[] imageIo(BufferedImage img, String format) throws IOException {
        var out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).as(format).isTrue();
        return out.toByteArray();
    }

    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.BLUE, w, h, java.awt.Color.ORANGE));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        var out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            w.write(null, new IIOImage(img, null, null), p);
        }
        return out.toByteArray();
    }

    static Stream<Arguments> images() throws IOException {
        BufferedImage pic = picture(2600, 1500);
        return Stream.of(
                Arguments.of("image/jpeg", imageIo(pic, "jpeg")),
                Arguments.of("image/pjpeg", progressiveJpeg(pic)),
                Arguments.of("image/png", imageIo(pic, "png")),
                Arguments.of("image/gif", imageIo(picture(700, 400), "gif")),
                Arguments.of("image/bmp", imageIo(picture(1300, 700), "bmp")),
                Arguments.of("image/tiff", imageIo(picture(1300, 700), "tiff")),
                Arguments.of("image/webp", Fixtures.ffmpeg("pic.webp", "-f", "lavfi", "-i", "testsrc2=size=1300x700", "-frames:v", "1", "-c:v", "libwebp")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void everyImageTypeBecomesXsNamedSizes(String type, byte[] bytes) throws Exception {
        JsonNode fin = upload(api, type, "tweet_image", bytes);
        assertThat(fin.has("processing_info")).as("images finish while FINALIZE waits").isFalse();
        BufferedImage original = decode(bytes);
        JsonNode m = media(fin.get("media_key").asString());
        assertThat(m.get("type").asString()).isEqualTo("photo");
        assertThat(m.get("width").asInt()).isEqualTo(original.getWidth());
        assertThat(m.get("height").asInt()).isEqualTo(original.getHeight());
        assertThat(decode(fetch(m.get("url").asString())).getWidth()).isEqualTo(original.getWidth()); // the signed url is orig
        Map<String, Integer> boxes = Map.of("orig", 4096, "large", 2048, "medium", 1200, "small", 680);
        for (var e : boxes.entrySet()) { // every size, asked for with the owner's credentials
            Res r = api.get("/media/" + fin.get("media_key").asString() + "/" + e.getKey());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("image/jpeg");
            BufferedImage img = decode(r.body());
            int box = e.getValue();
            double scale = Math.min(1.0, Math.min((double) box / original.getWidth(), (double) box / original.getHeight()));
            assertThat(img.getWidth()).as(e.getKey()).isCloseTo((int) Math.round(original.getWidth() * scale), org.assertj.core.data.Offset.offset(1));
            assertThat(img.getHeight()).as(e.getKey()).isCloseTo((int) Math.round(original.getHeight() * scale), org.assertj.core.data.Offset.offset(1));
        }
        BufferedImage thumb = decode(api.get("/media/" + fin.get("media_key").asString() + "/thumb").body());
        assertThat(thumb.getWidth()).isEqualTo(150);
        assertThat(thumb.getHeight()).isEqualTo(150);
    }

    /**
     * A panorama's thumbnail is cropped from a picture that still covers it (its smaller sizes are too thin), and the
     * heap one decode's pixels held at their peak is reported on /metrics.
     */
    @Test
    void aPanoramasThumbnailIsCroppedFromEnoughPixelsAndDecodeHeapIsReported() throws Exception {
        // black above, white below: how many rows the edge is smeared over shows which pixels the thumbnail was cut from
        BufferedImage pano = new BufferedImage(3000, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 100; y < 200; y++) for (int x = 0; x < 3000; x++) pano.setRGB(x, y, 0xFFFFFF);
        JsonNode fin = upload(api, "image/png", "tweet_image", imageIo(pano, "png")); // lossless: the edge is exact
        String key = fin.get("media_key").asString();
        BufferedImage small = decode(api.get("/media/" + key + "/small").body());
        assertThat(small.getHeight()).as("680 wide: too thin to cut 150x150 from").isLessThan(150);
        BufferedImage thumb = decode(api.get("/media/" + key + "/thumb").body());
        assertThat(thumb.getWidth()).isEqualTo(150);
        assertThat(thumb.getHeight()).isEqualTo(150);
        int smeared = 0;
        for (int y = 0; y < 150; y++) {
            int v = thumb.getRGB(75, y) & 0xFF;
            if (v > 48 && v < 208) smeared++;
        }
        // cut from the 200 px high picture (scaled by 0.75) the edge stays within a couple of rows; upscaled from the
        // 45 px high small size it would spread over several
        assertThat(smeared).as("rows of the edge between black and white").isLessThanOrEqualTo(3);
        String metrics = new String(api.as(null).get("/metrics").body(), StandardCharsets.UTF_8);
        double max = metrics.lines().filter(l -> l.startsWith("mediaup_image_decode_heap_bytes_max"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
        assertThat(max).as("peak heap of a decode's pixels, at least the 3000x200 ARGB-sized picture").isGreaterThanOrEqualTo(3000 * 200 * 4);
    }

    @Test
    void exifOrientationIsAppliedAndEveryMetadataBlockIsGone() throws Exception {
        byte[] phone = Fixtures.jpegWithExif(400, 200); // stored landscape, EXIF says: rotate 90° to view
        assertThat(new String(phone, StandardCharsets.ISO_8859_1)).contains("Exif");
        JsonNode fin = upload(api, "image/jpeg", "tweet_image", phone);
        assertThat(fin.get("image").get("w").asInt()).isEqualTo(200);
        assertThat(fin.get("image").get("h").asInt()).isEqualTo(400);
        for (String size : List.of("orig", "large", "medium", "small", "thumb")) {
            byte[] served = api.get("/media/" + fin.get("media_key").asString() + "/" + size).body();
            String raw = new String(served, StandardCharsets.ISO_8859_1);
            assertThat(raw).as(size).doesNotContain("Exif").doesNotContain("http://ns.adobe.com/xap");
            for (int i = 2; i + 1 < served.length && (served[i] & 0xFF) == 0xFF && (served[i + 1] & 0xFF) != 0xDA; ) {
                assertThat(served[i + 1] & 0xFF).as("no APP1 (EXIF/XMP) segment in " + size).isNotEqualTo(0xE1);
                i += 2 + (((served[i + 2] & 0xFF) << 8) | (served[i + 3] & 0xFF));
            }
        }
        BufferedImage upright = decode(api.get("/media/" + fin.get("media_key").asString() + "/orig").body());
        assertThat(upright.getWidth()).isEqualTo(200);
        assertThat(new java.awt.Color(upright.getRGB(100, 50)).getRed()).as("the red half is on top once upright").isGreaterThan(200);
        assertThat(new java.awt.Color(upright.getRGB(100, 350)).getRed()).isLessThan(60);
    }

    static Stream<Arguments> videos() {
        return Stream.of(
                Arguments.of("video/mp4", Fixtures.mp4(3, 1280, 720), 3, new String[]{"720p", "480p", "360p"}),
                Arguments.of("video/webm", Fixtures.webm(2), 1, new String[]{"120p"}),
                Arguments.of("video/mp2t", Fixtures.ts(2), 1, new String[]{"120p"}),
                Arguments.of("video/quicktime", Fixtures.mov(2), 1, new String[]{"120p"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videos")
    void everyVideoTypeBecomesH264RenditionsAndAPoster(String type, byte[] bytes, int renditions, String[] names) throws Exception {
        String id = api.initialize(type, "tweet_video", bytes.length);
        assertThat(api.append(id, 0, bytes).status()).isEqualTo(200);
        Res fin = api.finalizeUpload(id);
        // the exact type, as X reports it: ffmpeg's MP4 (major brand isom) is video/mp4, only a "qt  " brand QuickTime
        assertThat(fin.data().get("video").get("video_type").asString()).as(fin.toString()).isEqualTo(type);
        JsonNode done = api.awaitProcessed(id, Duration.ofSeconds(90));
        assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
        assertMatchesSchema(api.status(done.get("id").asString()).json(), "GetMediaUploadStatusResponse");
        JsonNode m = media(done.get("media_key").asString());
        assertThat(m.get("type").asString()).isEqualTo("video");
        assertThat(m.get("duration_ms").asLong()).isBetween(900L, 3200L);
        assertThat(m.get("variants")).hasSize(renditions + 1);
        long lastRate = Long.MAX_VALUE;
        for (int i = 0; i < renditions; i++) {
            JsonNode v = m.get("variants").get(i);
            assertThat(v.get("content_type").asString()).isEqualTo("video/mp4");
            assertThat(v.get("url").asString()).contains("/" + names[i] + "?");
            assertThat(v.get("bit_rate").asLong()).isLessThan(lastRate);
            lastRate = v.get("bit_rate").asLong();
            JsonNode probe = probe(fetch(v.get("url").asString()));
            JsonNode stream = probe.get("streams").get(0);
            assertThat(stream.get("codec_name").asString()).isEqualTo("h264");
            assertThat(stream.get("profile").asString()).as("x264, High profile, as X serves").isEqualTo("High");
            assertThat(stream.get("pix_fmt").asString()).isEqualTo("yuv420p");
            assertThat(stream.get("height").asInt()).isEqualTo(Integer.parseInt(names[i].replace("p", "")));
        }
        assertThat(decode(fetch(m.get("preview_image_url").asString())).getWidth()).isGreaterThan(0);

        // and the HLS playlist of them all, listed last and without bit_rate as on X: every rendition's playlist and
        // segments reachable through the signed URLs delivery wrote into it, each segment H.264 in MPEG-TS
        JsonNode hls = m.get("variants").get(renditions);
        assertThat(hls.get("content_type").asString()).isEqualTo("application/x-mpegURL");
        assertThat(hls.has("bit_rate")).isFalse();
        Map<String, Double> seconds = hlsSeconds(api.as(null), server.baseUrl(), hls.get("url").asString());
        assertThat(seconds.keySet()).hasSize(renditions);
        for (double total : seconds.values()) assertThat(total * 1000).isCloseTo(m.get("duration_ms").asDouble(), org.assertj.core.api.Assertions.within(600.0));
    }

    /**
     * Follows an HLS master playlist the way a player does: each rendition's playlist, then every segment in it (each
     * must be MPEG-TS with an H.264 stream of the rendition's height). Returns the seconds each rendition lasts.
     */
    static Map<String, Double> hlsSeconds(Api anon, String base, String masterUrl) throws IOException {
        Res master = anon.get(masterUrl.substring(masterUrl.indexOf("/media/")));
        assertThat(master.status()).isEqualTo(200);
        assertThat(master.contentType()).startsWith("application/x-mpegURL");
        List<String> lines = new String(master.body(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).isEqualTo("#EXTM3U");
        Map<String, Double> out = new java.util.TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("#EXT-X-STREAM-INF:")) continue;
            int height = Integer.parseInt(lines.get(i).replaceAll(".*RESOLUTION=[0-9]+x([0-9]+).*", "$1"));
            String url = lines.get(i + 1);
            assertThat(url).startsWith(base + "/media/").contains("sig=");
            List<String> media = new String(anon.get(url.substring(base.length())).body(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            assertThat(media).contains("#EXT-X-ENDLIST");
            double total = 0;
            for (int j = 0; j < media.size(); j++) {
                if (!media.get(j).startsWith("#EXTINF:")) continue;
                total += Double.parseDouble(media.get(j).substring(8).replaceAll(",.*", ""));
                Res seg = anon.get(media.get(j + 1).substring(base.length()));
                assertThat(seg.status()).isEqualTo(200);
                assertThat(seg.body()[0]).as("MPEG-TS sync byte").isEqualTo((byte) 0x47);
                Path f = Files.write(Files.createTempFile("seg", ".ts"), seg.body()); // (callable from other test classes)
                JsonNode stream;
                try {
                    stream = new Ffmpeg(null, Ffmpeg.Limits.defaults()).probe("mpegts", f.toString(), List.of(), f.getParent()).get("streams").get(0);
                } finally {
                    Files.delete(f);
                }
                assertThat(stream.get("codec_name").asString()).isEqualTo("h264");
                assertThat(stream.get("height").asInt()).isEqualTo(height);
            }
            out.put(url.replaceAll(".*/(hls\\.[^?]+)\\?.*", "$1"), total);
        }
        return out;
    }

    @Test
    void aRotatedVideoIsServedUpright() throws Exception {
        JsonNode done = upload(api, "video/mp4", "tweet_video", Fixtures.rotatedMp4());
        assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
        JsonNode m = media(done.get("media_key").asString());
        assertThat(m.get("width").asInt()).isEqualTo(240);
        assertThat(m.get("height").asInt()).isEqualTo(320);
        JsonNode stream = probe(fetch(m.get("variants").get(0).get("url").asString())).get("streams").get(0);
        assertThat(stream.get("width").asInt()).isEqualTo(240);
        assertThat(stream.get("height").asInt()).isEqualTo(320);
        assertThat(stream.path("side_data_list").toString()).doesNotContain("rotation\":9").doesNotContain("rotation\":-9");
        BufferedImage poster = decode(fetch(m.get("preview_image_url").asString()));
        assertThat(poster.getHeight()).isGreaterThan(poster.getWidth());
    }

    /** ffprobe (the same bundled build) on served bytes. */
    static JsonNode probe(byte[] bytes) throws IOException {
        Path f = Files.write(Files.createTempFile(dir, "served", ".mp4"), bytes);
        return new Ffmpeg(null, Ffmpeg.Limits.defaults()).probe("mov", f.toString(), List.of(), dir);
    }

    @Test
    void animatedGifBecomesAnMp4AndAPoster() throws Exception {
        byte[] gif = Fixtures.gif(50, 320, 240);
        JsonNode done = upload(api, "image/gif", "tweet_gif", gif);
        assertThat(done.get("processing_info").get("state").asString()).as(done.toString()).isEqualTo("succeeded");
        JsonNode m = media(done.get("media_key").asString());
        assertThat(m.get("type").asString()).isEqualTo("animated_gif");
        assertThat(m.get("variants")).hasSize(1);
        assertThat(m.get("variants").get(0).get("bit_rate").asInt()).isZero();
        JsonNode stream = probe(fetch(m.get("variants").get(0).get("url").asString())).get("streams").get(0);
        assertThat(stream.get("codec_name").asString()).isEqualTo("h264");
        assertThat(stream.get("width").asInt()).isEqualTo(320);
        BufferedImage poster = decode(fetch(m.get("preview_image_url").asString()));
        assertThat(poster.getWidth()).isEqualTo(320);
    }

    @Test
    void subtitlesAreValidatedAndNormalizedToWebVtt() throws Exception {
        byte[] srt = "\uFEFF1\r\n00:00:01,500 --> 00:00:03,000\r\nHello <i>there</i>\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,250\r\nBye\r\n"
                .getBytes(StandardCharsets.UTF_8);
        JsonNode done = upload(api, "text/srt", "subtitles", srt);
        String id = done.get("id").asString();
        Res vtt = api.get("/media/" + done.get("media_key").asString() + "/vtt");
        assertThat(vtt.contentType()).isEqualTo("text/vtt");
        assertThat(vtt.text()).isEqualTo("WEBVTT\n\n00:00:01.500 --> 00:00:03.000\nHello <i>there</i>\n\n00:00:04.000 --> 00:00:05.250\nBye\n");
        byte[] webvtt = "WEBVTT - a title\n\nNOTE a comment\n\nintro\n00:01.000 --> 00:02.000 align:start\nHi\n".getBytes(StandardCharsets.UTF_8);
        JsonNode v = upload(api, "text/vtt", "subtitles", webvtt);
        assertThat(api.get("/media/" + v.get("media_key").asString() + "/vtt").text())
                .isEqualTo("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\nHi\n");
        assertThat(id).isNotEmpty();
    }

    static byte[] glb(String json, int declaredExtra) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        int jl = (j.length + 3) & ~3;
        int total = 12 + 8 + jl + 8 + 4;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46546C67).putInt(2).putInt(total + declaredExtra);
        b.putInt(jl).putInt(0x4E4F534A).put(j);
        while (b.position() < 20 + jl) b.put((byte) ' ');
        b.putInt(4).putInt(0x004E4942).putInt(0);
        return b.array();
    }

    static byte[] usdz(boolean compressFirst, boolean align) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(out)) {
            byte[] layer = ("#usda 1.0\n(\n    defaultPrim = \"Cube\"\n)\ndef Cube \"Cube\" {}\n" + " ".repeat(compressFirst ? 200_000 : 0))
                    .getBytes(StandardCharsets.UTF_8);
            for (var e : List.of(Map.entry("scene.usda", layer), Map.entry("textures/a.png", Api.png(8, 8)))) {
                ZipArchiveEntry z = new ZipArchiveEntry(e.getKey());
                boolean stored = !(compressFirst && e.getKey().endsWith(".usda"));
                z.setMethod(stored ? ZipArchiveEntry.STORED : ZipArchiveEntry.DEFLATED);
                if (stored) {
                    var crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    z.setSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                    if (align) z.setAlignment(64);
                }
                zip.putArchiveEntry(z);
                zip.write(e.getValue());
                zip.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void threeDModelsAreCheckedStructurallyAndServedAsUploaded() throws Exception {
        byte[] glb = glb("{\"asset\":{\"version\":\"2.0\"}}", 0);
        JsonNode g = upload(api, "model/gltf-binary", "tweet_image", glb);
        assertThat(g.has("processing_info")).isFalse();
        assertThat(api.get("/media/" + g.get("media_key").asString() + "/orig").body()).isEqualTo(glb);
        byte[] usdz = usdz(false, true);
        JsonNode u = upload(api, "model/vnd.usdz+zip", "tweet_image", usdz);
        assertThat(u.has("processing_info")).as(u.toString()).isFalse();
        assertThat(api.get("/media/" + u.get("media_key").asString() + "/orig").body()).isEqualTo(usdz);
    }

    /** One broken file, what it is uploaded as, and what the error must say. */
    record Broken(String name, String type, String category, byte[] bytes, String error) {
        @Override public String toString() { return name; }
    }

    static Stream<Broken> broken() throws IOException {
        byte[] clip = Fixtures.mp4(2, 320, 240);
        List<Broken> all = new ArrayList<>(List.of(
                new Broken("truncated MP4", "video/mp4", "tweet_video", java.util.Arrays.copyOf(clip, clip.length / 2), "truncated"),
                new Broken("MP4 without a moov box", "video/mp4", "tweet_video", java.util.Arrays.copyOf(Fixtures.tinyMp4(), 40), ""),
                new Broken("30000x30000 PNG bomb", "image/png", "tweet_image", Fixtures.pngBomb(), "30000x30000"),
                new Broken("GIF with 10,000 frames", "image/gif", "tweet_gif", Fixtures.gif(10_000, 16, 16), "10000 frames"),
                new Broken("video longer than the limit", "video/mp4", "tweet_video", Fixtures.mp4(8, 160, 120), "at most 6 s"),
                new Broken("SRT with a bad timestamp", "text/srt", "subtitles", "1\n00:00:01,000 --> 00:00:0x,000\nHi\n".getBytes(StandardCharsets.UTF_8),
                        "Line 2"),
                new Broken("SRT with cues out of order", "text/srt", "subtitles",
                        "1\n00:00:05,000 --> 00:00:06,000\nB\n\n2\n00:00:01,000 --> 00:00:02,000\nA\n".getBytes(StandardCharsets.UTF_8), "out of time order"),
                new Broken("SRT ending before it starts", "text/srt", "subtitles", "1\n00:00:05,000 --> 00:00:04,000\nB\n".getBytes(StandardCharsets.UTF_8),
                        "ends before it starts"),
                new Broken("subtitles in Latin-1", "text/srt", "subtitles", "1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1),
                        "UTF-8"),
                new Broken("WebVTT without its header", "text/vtt", "subtitles", "00:01.000 --> 00:02.000\nHi\n".getBytes(StandardCharsets.UTF_8), "WEBVTT"),
                new Broken("USDZ zip bomb (deflated)", "model/vnd.usdz+zip", "tweet_image", usdz(true, true), "uncompressed"),
                new Broken("USDZ not aligned", "model/vnd.usdz+zip", "tweet_image", usdz(false, false), "aligned"),
                new Broken("GLB with a wrong length", "model/gltf-binary", "tweet_image", glb("{\"asset\":{\"version\":\"2.0\"}}", 100), "declares"),
                new Broken("GLB version 1", "model/gltf-binary", "tweet_image", glbVersion1(), "2.0"),
                new Broken("JPEG that is noise", "image/jpeg", "tweet_image", noiseAfter(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}), "")));
        return all.stream();
    }

    static byte[] glbVersion1() {
        byte[] b = glb("{\"asset\":{\"version\":\"2.0\"}}", 0);
        b[4] = 1;
        return b;
    }

    static byte[] noiseAfter(byte[] head) {
        byte[] b = new byte[5000];
        new java.util.Random(1).nextBytes(b);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenMediaFailsWithAUsefulErrorInBoundedTime(Broken b) throws Exception {
        long t0 = System.nanoTime();
        JsonNode done = upload(api, b.type(), b.category(), b.bytes());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
        JsonNode pi = done.get("processing_info");
        assertThat(pi).as(done.toString()).isNotNull();
        assertThat(pi.get("state").asString()).as(done.toString()).isEqualTo("failed");
        JsonNode why = api.status(done.get("id").asString()).json().get("errors").get(0);
        assertThat(why.get("title").asString()).isEqualTo("InvalidMedia");
        assertThat(why.get("detail").asString()).as(done.toString()).contains(b.error()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(api.get("/2/media/" + done.get("media_key").asString()).json().has("data")).as("failed media is not media").isFalse();
        assertThat(server.log()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void aPngDeclaredAsJpegIsProcessedAsWhatItIs() throws Exception {
        JsonNode done = upload(api, "image/jpeg", "tweet_image", Api.png(300, 200));
        assertThat(done.has("processing_info")).isFalse();
        assertThat(done.get("image").get("image_type").asString()).isEqualTo("image/png");
        assertThat(done.get("image").get("w").asInt()).isEqualTo(300);
    }
}
