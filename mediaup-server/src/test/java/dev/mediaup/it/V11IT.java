package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import twitter4j.Twitter;
import twitter4j.UploadBaseUrl;
import twitter4j.v1.UploadedMedia;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The v1.1 upload.json wire, by the real twitter4j 4.1.2 over OAuth 1.0a, and parameter by parameter over HTTP. */
class V11IT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api v2;
    static Map<String, String> oauth;
    static int secondPort;

    @BeforeAll
    static void start() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            secondPort = s.getLocalPort();
        }
        server = new ServerProcess(dir.resolve("data"), "--v11-port", Integer.toString(secondPort)).start();
        v2 = new Api(server.baseUrl(), server.createToken("500", "media.write tweet.read"));
        oauth = server.oauth1("500");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Twitter twitter4j() {
        var b = Twitter.newBuilder().oAuthConsumer(oauth.get("consumer_key"), oauth.get("consumer_secret"))
                .oAuthAccessToken(oauth.get("oauth_token"), oauth.get("oauth_token_secret"));
        return UploadBaseUrl.set(b, server.baseUrl() + "/1.1/").build();
    }

    @Test
    void twitter4jUploadsAnImageAndAChunkedVideo() throws Exception {
        Path png = Files.write(dir.resolve("pic.png"), Api.png(123, 45));
        UploadedMedia image = twitter4j().v1().tweets().uploadMedia(png.toFile());
        assertThat(image.getImageWidth()).isEqualTo(123);
        assertThat(image.getImageHeight()).isEqualTo(45);
        JsonNode status = v2.status(Long.toString(image.getMediaId())).data(); // the same id through v2
        assertThat(status.get("media_key").asString()).isEqualTo("3_" + image.getMediaId());

        byte[] mp4 = Fixtures.paddedMp4(5 * 1024 * 1024 + 321);
        UploadedMedia video = twitter4j().v1().tweets().uploadMediaChunked("clip.mp4", new ByteArrayInputStream(mp4));
        assertThat(video.getMediaId()).isPositive();
        JsonNode done = v2.awaitProcessed(Long.toString(video.getMediaId()), Duration.ofSeconds(30));
        assertThat(done.get("size").asLong()).isEqualTo(mp4.length);
        assertThat(done.get("media_key").asString()).isEqualTo("7_" + video.getMediaId());
    }

    @Test
    void theWireParameterByParameter() throws Exception {
        Api v11 = v2; // bearer tokens work on v1.1 too
        byte[] png = Api.png(10, 20);
        // INIT with query parameters → 202 and v1.1's ids
        Res init = v11.send("POST", "/1.1/media/upload.json?command=INIT&media_type=image/png&total_bytes=" + png.length, null, null);
        assertThat(init.status()).isEqualTo(202);
        long id = init.json().get("media_id").asLong();
        assertThat(init.json().get("media_id").isNumber()).isTrue();
        assertThat(init.json().get("media_id_string").asString()).isEqualTo(Long.toString(id));
        // APPEND as multipart with media: 204, empty body
        Res app = v11.postMultipart("/1.1/media/upload.json", new Api.Multipart().field("command", "APPEND").field("media_id", Long.toString(id))
                .field("segment_index", "0").file("media", "blob", png));
        assertThat(app.status()).isEqualTo(204);
        assertThat(app.body()).isEmpty();
        // FINALIZE as a form: 201 with image
        Res fin = v11.postForm("/1.1/media/upload.json", "command=FINALIZE&media_id=" + id);
        assertThat(fin.status()).isEqualTo(201);
        assertThat(fin.json().get("image").get("w").asInt()).isEqualTo(10);
        assertThat(fin.json().get("media_id_string").asString()).isEqualTo(Long.toString(id));
        // STATUS by GET
        Res st = v11.get("/1.1/media/upload.json?command=STATUS&media_id=" + id);
        assertThat(st.status()).isEqualTo(200);
        assertThat(st.json().get("media_key").asString()).isEqualTo("3_" + id);

        // INIT and APPEND with base64 media_data in form fields
        long id2 = v11.postForm("/1.1/media/upload.json", "command=INIT&media_type=image%2Fpng&media_category=tweet_image&total_bytes=" + png.length)
                .json().get("media_id").asLong();
        String b64 = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(png), StandardCharsets.UTF_8);
        assertThat(v11.postForm("/1.1/media/upload.json", "command=APPEND&media_id=" + id2 + "&segment_index=0&media_data=" + b64).status()).isEqualTo(204);
        assertThat(v11.postForm("/1.1/media/upload.json", "command=FINALIZE&media_id=" + id2).json().get("size").asLong()).isEqualTo(png.length);

        // the simple upload: multipart media, and media_data in a form
        Res simple = v11.postMultipart("/1.1/media/upload.json", new Api.Multipart().file("media", "a.png", png));
        assertThat(simple.status()).isEqualTo(200);
        assertThat(simple.json().get("image").get("h").asInt()).isEqualTo(20);
        Res simple64 = v11.postForm("/1.1/media/upload.json", "media_category=tweet_image&media_data=" + b64);
        assertThat(simple64.json().get("media_id").asLong()).isPositive();
        Res multi64 = v11.postMultipart("/1.1/media/upload.json", new Api.Multipart().field("media_data", Base64.getEncoder().encodeToString(png)));
        assertThat(multi64.status()).as(multi64.toString()).isEqualTo(200);

        // metadata and subtitles, seen through v2
        assertThat(v11.postJson("/1.1/media/metadata/create.json", "{\"media_id\":\"" + id + "\",\"alt_text\":{\"text\":\"tiny\"}}").status()).isEqualTo(200);
        assertThat(v2.get("/2/media/3_" + id + "?media.fields=alt_text").data().get("alt_text").asString()).isEqualTo("tiny");
        byte[] clip = Fixtures.tinyMp4();
        String video = v2.initialize("video/mp4", "tweet_video", clip.length);
        v2.append(video, 0, clip);
        v2.finalizeUpload(video);
        v2.awaitProcessed(video, Duration.ofSeconds(30));
        String subs = v2.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "subtitles")
                .file("media", "s.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n".getBytes(StandardCharsets.UTF_8))).data().get("id").asString();
        assertThat(v11.postJson("/1.1/media/subtitles/create.json", "{\"media_id\":\"" + video + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitle_info\":{\"subtitles\":[{\"media_id\":\"" + subs + "\",\"language_code\":\"EN\",\"display_name\":\"English\"}]}}").status()).isEqualTo(200);
        assertThat(v2.get("/2/media/7_" + video + "?media.fields=variants").data().get("subtitles").get(0).get("language_code").asString()).isEqualTo("EN");
        assertThat(v11.postJson("/1.1/media/subtitles/delete.json", "{\"media_id\":\"" + video + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitle_info\":{\"subtitles\":[{\"language_code\":\"EN\"}]}}").status()).isEqualTo(200);
        assertThat(v2.get("/2/media/7_" + video + "?media.fields=variants").data().has("subtitles")).isFalse();
    }

    @Test
    void appendsAreCappedAt5MBAndASecondListenerServesTheSameApi() {
        long id = v2.postForm("/1.1/media/upload.json", "command=INIT&media_type=video%2Fmp4&media_category=tweet_video&total_bytes=20000000")
                .json().get("media_id").asLong();
        Res big = v2.postMultipart("/1.1/media/upload.json", new Api.Multipart().field("command", "APPEND").field("media_id", Long.toString(id))
                .field("segment_index", "0").file("media", null, new byte[5 * 1024 * 1024 + 1]));
        assertV11Error(big, 413, 324);
        Api other = new Api("http://127.0.0.1:" + secondPort, v2.token);
        assertThat(other.get("/1.1/media/upload.json?command=STATUS&media_id=" + id).json().get("media_id_string").asString()).isEqualTo(Long.toString(id));
    }

    @Test
    void errorsInV11Shape() {
        assertV11Error(v2.postForm("/1.1/media/upload.json", "command=FINALIZE"), 400, 38);
        assertV11Error(v2.postForm("/1.1/media/upload.json", "command=FINALIZE&media_id=1234567890123456789"), 404, 324);
        assertV11Error(v2.postForm("/1.1/media/upload.json", "command=INIT&media_type=image%2Fxyz"), 400, 324);
        assertV11Error(v2.postForm("/1.1/media/upload.json", "command=EXPLODE"), 400, 324);
        assertV11Error(v2.as("mu_nope").postForm("/1.1/media/upload.json", "command=INIT&media_type=image%2Fpng"), 401, 32);
        assertV11Error(v2.as(null).get("/1.1/media/upload.json?command=STATUS&media_id=1"), 401, 32);
        assertV11Error(v2.postForm("/1.1/media/upload.json", "command=APPEND&media_id=1&segment_index=0&media_data=%%%"), 400, 324);
        assertV11Error(v2.get("/1.1/media/nothing.json"), 404, 34);
    }

    static void assertV11Error(Res r, int status, int code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode e = r.json().get("errors").get(0);
        assertThat(e.get("code").asInt()).as(r.toString()).isEqualTo(code);
        assertThat(e.get("message").asString()).isNotBlank();
    }
}
