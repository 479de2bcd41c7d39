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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static dev.mediaup.it.Api.assertMatchesSchema;
import static org.assertj.core.api.Assertions.assertThat;

/** Media objects after upload: lookup, metadata, listing, deletion, and delivery of the bytes. */
class MediaIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api owner, coOwner, stranger, app;
    static byte[] png = Api.png(320, 240);
    static byte[] mp4 = Fixtures.paddedMp4(3 * 1024 * 1024 + 17);
    static String photoKey, photoId, videoKey, sharedKey;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data"), "--keep-originals").start(); // so "original" serves the uploaded segments
        owner = new Api(server.baseUrl(), server.createToken("400", "media.write tweet.read"));
        coOwner = owner.as(server.createToken("401", "media.write tweet.read"));
        stranger = owner.as(server.createToken("402", "media.write tweet.read"));
        app = owner.as(server.oauth1("403").get("bearer_token"));
        Res p = owner.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .field("additional_owners", "401").file("media", "p.png", png));
        photoKey = p.data().get("media_key").asString();
        photoId = p.data().get("id").asString();
        String v = owner.initialize("video/mp4", "tweet_video", mp4.length);
        owner.append(v, 0, Arrays.copyOfRange(mp4, 0, 2 * 1024 * 1024));
        owner.append(v, 1, Arrays.copyOfRange(mp4, 2 * 1024 * 1024, mp4.length));
        videoKey = owner.finalizeUpload(v).data().get("media_key").asString();
        owner.awaitProcessed(v, Duration.ofSeconds(30));
        Res s = owner.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":" + png.length + ",\"shared\":true}");
        String sid = s.data().get("id").asString();
        owner.append(sid, 0, png);
        sharedKey = owner.finalizeUpload(sid).data().get("media_key").asString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void lookupWithFieldsMatchesTheSpec() {
        Res one = owner.get("/2/media/" + photoKey + "?media.fields=url,width,height,type,alt_text,variants,duration_ms");
        assertMatchesSchema(one.json(), "GetMediaByMediaKeyResponse");
        JsonNode d = one.data();
        assertThat(d.get("media_key").asString()).isEqualTo(photoKey);
        assertThat(d.get("type").asString()).isEqualTo("photo");
        assertThat(d.get("width").asInt()).isEqualTo(320);
        assertThat(d.get("height").asInt()).isEqualTo(240);
        assertThat(d.get("url").asString()).startsWith(server.baseUrl() + "/media/" + photoKey + "/orig?exp=");
        // no media.fields: X's defaults
        assertThat(owner.get("/2/media/" + photoKey).data().propertyNames()).containsExactlyInAnyOrder("media_key", "type");

        Res many = owner.get("/2/media?media_keys=" + photoKey + "," + videoKey + ",3_1&media.fields=variants,url");
        assertMatchesSchema(many.json(), "GetMediaByMediaKeysResponse");
        assertThat(many.json().get("data")).hasSize(2);
        JsonNode video = many.json().get("data").get(1);
        assertThat(video.get("type").asString()).isEqualTo("video");
        assertThat(video.get("variants").get(0).get("content_type").asString()).isEqualTo("video/mp4");
        assertThat(many.json().get("errors").get(0).get("resource_id").asString()).isEqualTo("3_1");
        assertThat(many.json().get("errors").get(0).get("type").asString()).endsWith("/resource-not-found");

        assertThat(owner.get("/2/media?media_keys=abc").status()).isEqualTo(400);
        assertThat(owner.get("/2/media?media.fields=url").status()).isEqualTo(400);
        assertThat(owner.get("/2/media/" + photoKey + "?media.fields=colour").status()).isEqualTo(400);
        String tooMany = String.join(",", java.util.Collections.nCopies(101, photoKey));
        assertThat(owner.get("/2/media?media_keys=" + tooMany).status()).isEqualTo(400);
    }

    @Test
    void visibility() throws Exception {
        assertThat(coOwner.get("/2/media/" + photoKey).json().has("data")).isTrue();
        for (Api who : List.of(stranger, app)) {
            JsonNode r = who.get("/2/media/" + photoKey).json();
            assertThat(r.has("data")).isFalse();
            assertThat(r.get("errors").get(0).get("resource_id").asString()).isEqualTo(photoKey);
            assertThat(who.get("/2/media/" + sharedKey).json().get("data").get("media_key").asString()).isEqualTo(sharedKey);
        }
        assertThat(owner.as(server.createToken("404", "media.write")).get("/2/media/" + photoKey).status()).isEqualTo(403); // no tweet.read
    }

    @Test
    void metadataAltTextAndValidation() {
        Res r = owner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\",\"metadata\":{\"alt_text\":{\"text\":\"A grey rectangle\"},"
                + "\"allow_download_status\":{\"allow_download\":true},\"found_media_origin\":{\"provider\":\"giphy\",\"id\":\"x1\"}}}");
        assertMatchesSchema(r.json(), "CreateMediaMetadataResponse");
        assertThat(server.log()).as("the request schema is read without warnings").doesNotContain("Unknown keyword");
        assertThat(r.data().get("associated_metadata").get("found_media_origin").get("provider").asString()).isEqualTo("giphy");
        assertThat(owner.get("/2/media/" + photoKey + "?media.fields=alt_text").data().get("alt_text").asString()).isEqualTo("A grey rectangle");
        // a second call replaces the members it names and keeps the others
        owner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\",\"metadata\":{\"alt_text\":{\"text\":\"Grey\"}}}");
        JsonNode meta = owner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\"}").data().get("associated_metadata");
        assertThat(meta.get("alt_text").get("text").asString()).isEqualTo("Grey");
        assertThat(meta.get("allow_download_status").get("allow_download").asBoolean()).isTrue();

        Res tooLong = owner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\",\"metadata\":{\"alt_text\":{\"text\":\"" + "x".repeat(1001) + "\"}}}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("parameter").asString()).contains("alt_text");
        assertThat(owner.postJson("/2/media/metadata", "{\"metadata\":{}}").status()).isEqualTo(400);
        assertThat(owner.postJson("/2/media/metadata", "{\"id\":\"12x\"}").status()).isEqualTo(400);
        assertThat(owner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\",\"metadata\":{\"alt_text\":{}}}").status()).isEqualTo(400);
        assertThat(coOwner.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\"}").status()).isEqualTo(404);
        assertThat(app.postJson("/2/media/metadata", "{\"id\":\"" + photoId + "\"}").status()).isEqualTo(403);
    }

    @Test
    void deliveryWithSignedUrlsRangesAndValidators() throws Exception {
        String url = owner.get("/2/media?media_keys=" + videoKey + "&media.fields=variants").json().get("data").get(0).get("variants").get(0).get("url").asString();
        String path = url.substring(server.baseUrl().length());
        Api anon = owner.as(null);
        Res full = anon.get(path);
        assertThat(full.status()).isEqualTo(200);
        byte[] mp4 = full.body(); // the transcoded rendition
        assertThat(new String(mp4, 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");
        assertThat(full.contentType()).isEqualTo("video/mp4");
        String etag = full.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(full.raw().headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(full.raw().headers().firstValue("Cache-Control").orElseThrow()).contains("immutable");
        assertThat(full.raw().headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        int from = mp4.length / 2 - 10, to = mp4.length / 2 + 9;
        Res part = anon.send("GET", path, null, null, "Range", "bytes=" + from + "-" + to);
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.raw().headers().firstValue("Content-Range")).contains("bytes " + from + "-" + to + "/" + mp4.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(mp4, from, to + 1));
        Res suffix = anon.send("GET", path, null, null, "Range", "bytes=-5");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(mp4, mp4.length - 5, mp4.length));
        Res multi = anon.send("GET", path, null, null, "Range", "bytes=0-3,100-103");
        assertThat(multi.status()).isEqualTo(206);
        assertThat(multi.contentType()).startsWith("multipart/byteranges; boundary=");
        assertThat(multi.text()).contains("Content-Range: bytes 0-3/" + mp4.length).contains("Content-Range: bytes 100-103/" + mp4.length);
        Res bad = anon.send("GET", path, null, null, "Range", "bytes=" + (mp4.length + 10) + "-");
        assertThat(bad.status()).isEqualTo(416);
        assertThat(bad.raw().headers().firstValue("Content-Range")).contains("bytes */" + mp4.length);
        assertThat(anon.send("GET", path, null, null, "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(anon.send("GET", path, null, null, "Range", "bytes=0-3", "If-Range", "\"other\"").status()).isEqualTo(200);
        Res head = anon.send("HEAD", path, null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.raw().headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(mp4.length);

        // the uploaded bytes (kept with --keep-originals): a range across the boundary of its two segments
        String original = "/media/" + videoKey + "/original";
        int b = 2 * 1024 * 1024;
        Res across = owner.send("GET", original, null, null, "Range", "bytes=" + (b - 10) + "-" + (b + 9));
        assertThat(across.status()).isEqualTo(206);
        assertThat(across.body()).isEqualTo(Arrays.copyOfRange(MediaIT.mp4, b - 10, b + 10));
        assertThat(owner.get(original).body()).isEqualTo(MediaIT.mp4);

        // no signature: only someone who may read it, with credentials; a forged or expired signature: 404
        String bare = path.substring(0, path.indexOf('?'));
        assertThat(anon.get(bare).status()).isEqualTo(404);
        assertThat(owner.get(bare).status()).isEqualTo(200);
        assertThat(stranger.get(bare).status()).isEqualTo(404);
        assertThat(stranger.get(original).status()).isEqualTo(404);
        // a forged signature: its first character changed (to one it is not: a signature may well start with "A")
        char first = path.charAt(path.indexOf("sig=") + 4);
        assertThat(anon.get(path.replaceFirst("sig=.", "sig=" + (first == 'A' ? 'B' : 'A'))).status()).isEqualTo(404);
        assertThat(anon.get(path.replaceFirst("exp=[0-9]+", "exp=1")).status()).isEqualTo(404);
        assertThat(anon.get("/media/" + videoKey + "/large").status()).isEqualTo(404);

        // and the same with curl, as a browser or player would ask: a range, then a conditional request
        String range = ClientCompatIT.run(dir, 30, "curl", "-s", "-r", "1000-1099", "-o", dir.resolve("range.bin").toString(),
                "-w", "%{http_code} %{size_download}", url);
        assertThat(range).isEqualTo("206 100");
        assertThat(Files.readAllBytes(dir.resolve("range.bin"))).isEqualTo(Arrays.copyOfRange(mp4, 1000, 1100));
        assertThat(ClientCompatIT.run(dir, 30, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag, url)).isEqualTo("304");
    }

    @Test
    void subtitlesAttachToAVideoAndShowInItsMediaObject() {
        byte[] srt = "1\n00:00:01,000 --> 00:00:02,000\nHello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Res up = owner.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "subtitles").file("media", "en.srt", srt));
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        String subsId = up.data().get("id").asString(), videoId = videoKey.substring(2);
        Res att = owner.postJson("/2/media/subtitles", "{\"id\":\"" + videoId + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitles\":{\"id\":\"" + subsId + "\",\"language_code\":\"EN\",\"display_name\":\"English\"}}");
        assertMatchesSchema(att.json(), "CreateMediaSubtitlesResponse");
        assertThat(att.data().get("associated_subtitles").get("subtitles").get(0).get("language_code").asString()).isEqualTo("EN");
        JsonNode media = owner.get("/2/media/" + videoKey + "?media.fields=variants").data();
        String trackUrl = media.get("subtitles").get(0).get("url").asString();
        Res track = owner.as(null).get(trackUrl.substring(server.baseUrl().length()));
        assertThat(track.text()).isEqualTo("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n"); // normalized to WebVTT
        assertThat(track.contentType()).isEqualTo("text/vtt");
        // uploaded text opened on its own is never a page of this origin: no sniffing, no script, whatever it says
        assertThat(track.raw().headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(track.raw().headers().firstValue("Content-Security-Policy").orElse("")).contains("sandbox").contains("default-src 'none'");

        assertThat(owner.postJson("/2/media/subtitles", "{\"id\":\"" + videoId + "\",\"media_category\":\"AmplifyVideo\","
                + "\"subtitles\":{\"id\":\"" + subsId + "\",\"language_code\":\"EN\"}}").status()).isEqualTo(400);
        assertThat(owner.postJson("/2/media/subtitles", "{\"id\":\"" + videoId + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitles\":{\"id\":\"" + subsId + "\",\"language_code\":\"english\"}}").status()).isEqualTo(400);
        assertThat(owner.postJson("/2/media/subtitles", "{\"id\":\"" + videoId + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitles\":{\"id\":\"" + photoId + "\",\"language_code\":\"FR\"}}").status()).isEqualTo(400);
        assertThat(stranger.postJson("/2/media/subtitles", "{\"id\":\"" + videoId + "\",\"media_category\":\"TweetVideo\","
                + "\"subtitles\":{\"id\":\"" + subsId + "\",\"language_code\":\"EN\"}}").status()).isEqualTo(404);

        Res del = owner.send("DELETE", "/2/media/subtitles", "application/json",
                ("{\"id\":\"" + videoId + "\",\"media_category\":\"TweetVideo\",\"language_code\":\"EN\"}").getBytes());
        assertThat(del.data().get("deleted").asBoolean()).isTrue();
        assertThat(owner.get("/2/media/" + videoKey + "?media.fields=variants").data().has("subtitles")).isFalse();
        assertThat(owner.send("DELETE", "/2/media/subtitles", "application/json", "{\"id\":\"1\"}".getBytes()).status()).isEqualTo(400);
    }

    @Test
    void analyticsCountRealDeliveriesAndBeacons() throws Exception {
        byte[] clip = Fixtures.tinyMp4();
        String v = owner.initialize("video/mp4", "tweet_video", clip.length);
        owner.append(v, 0, clip);
        String key = owner.finalizeUpload(v).data().get("media_key").asString();
        owner.awaitProcessed(v, Duration.ofSeconds(30));
        String url = owner.get("/2/media/" + key + "?media.fields=variants").data().get("variants").get(0).get("url").asString();
        String path = url.substring(server.baseUrl().length());
        Api anon = owner.as(null);
        anon.get(path);                                                        // a view
        anon.send("GET", path, null, null, "Range", "bytes=0-99");           // a view (from the first byte)
        anon.send("GET", path, null, null, "Range", "bytes=100-199");        // a seek, not a view
        String events = path.replace("?", "/events?");
        assertThat(anon.postJson(events, "{\"event\":\"playback_start\",\"watch_time_ms\":1500}").status()).isEqualTo(200);
        assertThat(anon.postJson(events, "{\"event\":\"playback_complete\"}").status()).isEqualTo(200);
        assertThat(anon.postJson(events, "{\"event\":\"explode\"}").status()).isEqualTo(400);
        assertThat(anon.postJson(events.substring(0, events.indexOf('?')), "{\"event\":\"playback_start\"}").status()).isEqualTo(404); // unsigned

        java.time.Instant now = java.time.Instant.now();
        String range = "&start_time=" + now.minusSeconds(7200).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "&end_time=" + now.plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Res total = owner.get("/2/media/analytics?media_keys=" + key + ",7_1" + range + "&granularity=total");
        assertMatchesSchema(total.json(), "GetMediaAnalyticsResponse");
        JsonNode m = total.json().get("data").get(0).get("timestamped_metrics").get(0).get("metrics");
        assertThat(m.get("video_views").asLong()).isEqualTo(2);
        assertThat(m.get("playback_start").asLong()).isEqualTo(1);
        assertThat(m.get("playback_complete").asLong()).isEqualTo(1);
        assertThat(m.get("watch_time_ms").asLong()).isEqualTo(1500);
        assertThat(m.get("cta_url_clicks").asLong()).isZero(); // nothing happened: an honest zero
        assertThat(total.json().get("errors").get(0).get("resource_id").asString()).isEqualTo("7_1");
        Res hourly = owner.get("/2/media/analytics?media_keys=" + key + range + "&granularity=hourly");
        JsonNode buckets = hourly.json().get("data").get(0).get("timestamped_metrics");
        assertThat(buckets.size()).isBetween(3, 4);
        long views = 0;
        for (JsonNode b : buckets) views += b.get("metrics").get("video_views").asLong();
        assertThat(views).isEqualTo(2);
        // the same counters in the media object, as X reports them: public view_count, and for the owner the quartiles
        Res lookup = owner.get("/2/media/" + key + "?media.fields=public_metrics,non_public_metrics,organic_metrics,promoted_metrics");
        assertMatchesSchema(lookup.json(), "GetMediaByMediaKeyResponse");
        JsonNode d = lookup.data();
        assertThat(d.get("public_metrics").get("view_count").asLong()).isEqualTo(2);
        assertThat(d.get("non_public_metrics").get("playback_0_count").asLong()).isEqualTo(1);
        assertThat(d.get("non_public_metrics").get("playback_25_count").asLong()).isZero();
        assertThat(d.get("non_public_metrics").get("playback_100_count").asLong()).isEqualTo(1);
        assertThat(d.get("organic_metrics").get("view_count").asLong()).isEqualTo(2);
        assertThat(d.get("organic_metrics").get("playback_100_count").asLong()).isEqualTo(1);
        assertThat(d.has("promoted_metrics")).as("nothing is promoted here").isFalse();
        String photo = owner.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "p.png", Api.png(8, 8))).data().get("media_key").asString();
        assertThat(owner.get("/2/media/" + photo + "?media.fields=public_metrics,non_public_metrics").data().has("public_metrics"))
                .as("X reports no metrics for pictures").isFalse();
        // only owners see analytics; parameters are checked
        assertThat(stranger.get("/2/media/analytics?media_keys=" + key + range).json().has("data")).isFalse();
        assertThat(owner.get("/2/media/analytics?media_keys=" + key).status()).isEqualTo(400);
        assertThat(owner.get("/2/media/analytics?media_keys=" + key + "&start_time=yesterday&end_time=2026-01-01T00:00:00Z").status()).isEqualTo(400);
        assertThat(owner.get("/2/media/analytics?media_keys=" + key + range + "&granularity=weekly").status()).isEqualTo(400);
    }

    @Test
    void listingAndDeletion() throws Exception {
        Api lister = owner.as(server.createToken("410", "media.write tweet.read"));
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++)
            keys.add(lister.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image").file("media", "x.png", Api.png(4 + i, 4)))
                    .data().get("media_key").asString());
        Res page1 = lister.get("/2/media/mine?max_results=3");
        assertThat(page1.json().get("data")).hasSize(3);
        assertThat(page1.json().get("data").get(0).get("media_key").asString()).isEqualTo(keys.get(4)); // newest first
        String next = page1.json().get("meta").get("next_token").asString();
        Res page2 = lister.get("/2/media/mine?max_results=3&pagination_token=" + next);
        assertThat(page2.json().get("data")).hasSize(2);
        assertThat(page2.json().get("meta").has("next_token")).isFalse();
        assertThat(lister.get("/2/media/mine?max_results=0").status()).isEqualTo(400);

        String victim = keys.get(0), id = victim.substring(2);
        assertThat(Backend.blobs(server, "uploads/" + id)).isNotEmpty();
        assertThat(stranger.send("DELETE", "/2/media/" + victim, null, null).status()).isEqualTo(404);
        Res del = lister.send("DELETE", "/2/media/" + victim, null, null);
        assertThat(del.data().get("deleted").asBoolean()).isTrue();
        assertThat(Backend.blobs(server, "uploads/" + id)).as("the bytes left the store").isEmpty();
        assertThat(lister.get("/2/media/" + victim).json().has("data")).isFalse();
        assertThat(lister.status(id).status()).isEqualTo(404);
        assertThat(lister.send("DELETE", "/2/media/" + victim, null, null).status()).isEqualTo(404);
    }

    /** mediaup's extension fields: a placeholder and a focal point, in an answer only when media.fields names them. */
    @Test
    void placeholdersAndFocalPointsAreAnsweredOnlyWhenAskedFor() throws Exception {
        byte[] orange = Api.png(300, 200, g -> {
            g.setColor(new Color(230, 120, 40));
            g.fillRect(0, 0, 300, 200);
        });
        Res up = owner.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "o.png", orange));
        String key = up.data().get("media_key").asString(), id = up.data().get("id").asString();

        String hash = owner.get("/2/media/" + key + "?media.fields=x_blurhash,width").data().get("x_blurhash").asString();
        assertThat(hash).as("4×3 cosines (a landscape picture), 28 characters").startsWith("L").hasSize(28);
        long dc = 0;
        for (char c : hash.substring(2, 6).toCharArray()) dc = dc * 83 + BASE83.indexOf(c);
        assertThat(new int[] {(int) (dc >> 16), (int) (dc >> 8 & 255), (int) (dc & 255)}).as("its average colour is the picture's")
                .containsExactly(230, 120, 40);
        assertThat(owner.get("/2/media/" + videoKey + "?media.fields=x_blurhash").data().get("x_blurhash").asString())
                .as("a video's, from its poster").matches("[" + Pattern.quote(BASE83) + "]{28}");
        for (String asked : List.of("", "?media.fields=width,height,url,alt_text,variants"))
            assertThat(owner.get("/2/media/" + key + asked).data().propertyNames()).as("not asked for: X's fields only")
                    .noneMatch(f -> f.startsWith("x_"));

        Res set = owner.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":{\"x\":0.5,\"y\":-0.25}}}");
        assertThat(set.data().get("associated_metadata").get("x_focus").get("x").asDouble()).isEqualTo(0.5);
        JsonNode focus = owner.get("/2/media/" + key + "?media.fields=x_focus").data().get("x_focus");
        assertThat(focus.get("x").asDouble()).isEqualTo(0.5);
        assertThat(focus.get("y").asDouble()).isEqualTo(-0.25);
        assertThat(owner.get("/2/media/" + key + "?media.fields=alt_text").data().has("x_focus")).isFalse();
        assertThat(stranger.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":{\"x\":0,\"y\":0}}}")
                .status()).as("only its owners set it").isEqualTo(404);
        owner.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":null}}");
        assertThat(owner.get("/2/media/" + key + "?media.fields=x_focus").data().has("x_focus")).as("null takes it away").isFalse();
    }

    /** The thumb is cut around the focal point: set after processing (cut again), and not another owner's. */
    @Test
    void aFocalPointMovesTheThumbsCropForItsOwnMediaOnly() throws Exception {
        byte[] halves = Api.png(600, 300, g -> {
            g.setColor(Color.RED);
            g.fillRect(0, 0, 300, 300);
            g.setColor(Color.BLUE);
            g.fillRect(300, 0, 300, 300);
        });
        Res up = owner.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "h.png", halves));
        String key = up.data().get("media_key").asString(), id = up.data().get("id").asString();
        assertThat(thumb(owner, key)).as("centred: red on the left, blue on the right").containsExactly("red", "blue");

        owner.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":{\"x\":-1,\"y\":0}}}");
        assertThat(thumb(owner, key)).as("around the left edge").containsExactly("red", "red");
        owner.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":{\"x\":0.9,\"y\":1}}}");
        assertThat(thumb(owner, key)).as("around the right").containsExactly("blue", "blue");

        // the same bytes by another user: the renditions are shared (store once), the owner's crop is not
        Res again = stranger.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "h.png", halves));
        assertThat(thumb(stranger, again.data().get("media_key").asString())).as("the other user's: centred")
                .containsExactly("red", "blue");
        assertThat(thumb(owner, key)).containsExactly("blue", "blue");
        owner.postJson("/2/media/metadata", "{\"id\":\"" + id + "\",\"metadata\":{\"x_focus\":null}}");
        assertThat(thumb(owner, key)).as("no focal point: centred again").containsExactly("red", "blue");
    }

    /** The thumb's colour a quarter in from its left and from its right. */
    private static List<String> thumb(Api api, String key) throws Exception {
        Res r = api.get("/media/" + key + "/thumb");
        assertThat(r.status()).isEqualTo(200);
        BufferedImage t = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(t.getWidth()).isEqualTo(150);
        return List.of(colour(t.getRGB(37, 75)), colour(t.getRGB(112, 75)));
    }

    private static String colour(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() > 200 && c.getBlue() < 60 ? "red" : c.getBlue() > 200 && c.getRed() < 60 ? "blue" : "mixed " + c;
    }

    static final String BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
}
