package dev.mediaup.it;

import com.sun.net.httpserver.HttpServer;
import dev.mediaup.client.MediaClient;
import dev.mediaup.core.ProblemCode;
import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.mediaup.core.ProblemCode.GRANT_CANNOT_DELETE;
import static dev.mediaup.core.ProblemCode.GRANT_CATEGORY;
import static dev.mediaup.core.ProblemCode.GRANT_NEEDS_TOTAL;
import static dev.mediaup.core.ProblemCode.GRANT_NOT_LIVE;
import static dev.mediaup.core.ProblemCode.GRANT_ONLY_UPLOADS;
import static dev.mediaup.core.ProblemCode.GRANT_ORIGIN;
import static dev.mediaup.core.ProblemCode.GRANT_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.GRANT_TYPE;
import static dev.mediaup.core.ProblemCode.GRANT_USED_UP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upload grants and CORS, black-box: a backend with a user token grants a browser some uploads; the grant's
 * bearer can run exactly those — within their caps, from the origins listed — and nothing else; every refusal is an
 * X-style 4xx that stores nothing. Runs on both backends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrantsIT {
    static final String APP = "https://app.example";
    @TempDir
    static Path dir;
    static ServerProcess server;
    static HttpServer hooks;
    static final List<String> delivered = new CopyOnWriteArrayList<>();
    static Api user, stranger;
    /** A grant made first, with the shortest life a grant may have: the last test uses it after it expired. */

    @BeforeAll
    static void start() throws Exception {
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/hook", ex -> {
            delivered.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hooks.start();
        server = new ServerProcess(dir.resolve("data"), "--cors-origins", APP + ",https://other.example", "--webhook-url",
                "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook", "--webhook-secret", "s").start();
        user = new Api(server.baseUrl(), server.createToken("7100", "media.write tweet.read"));
        stranger = new Api(server.baseUrl(), server.createToken("7200", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (hooks != null) hooks.stop(0);
    }

    static JsonNode created(Res r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("data");
    }

    static Api bearer(String token) {
        return new Api(server.baseUrl(), token);
    }

    static void assertProblem(Res r, int status, ProblemCode code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("error_code").asString()).as(r.toString()).isEqualTo(code.wire());
    }

    @Test
    @Order(1)
    void aGrantRunsExactlyItsUploadsOwnedByTheGrantingUserAndShowsThem() throws Exception {
        JsonNode g = created(user.postJson("/2/media/upload/grants", """
                {"media_category":"tweet_image","media_types":["image/png"],"max_bytes":200000,"uploads":2,
                 "allowed_origins":["https://app.example"],"additional_owners":["7300"],"expires_in_secs":600}"""));
        String token = g.get("token").asString(), id = g.get("id").asString();
        assertThat(token).startsWith("mug_");
        assertThat(g.get("state").asString()).isEqualTo("active");
        assertThat(g.get("uploads_allowed").asInt()).isEqualTo(2);
        assertThat(g.get("expires_at").asLong()).isBetween(System.currentTimeMillis() / 1000 + 590, System.currentTimeMillis() / 1000 + 610);
        // bound to an origin, it is for pages of that origin: a request without an Origin (a script, curl) is refused
        assertProblem(bearer(token).postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":10}"), 403,
                GRANT_ORIGIN);
        Api browser = bearer(token).from(APP);

        byte[] png = Api.png(120, 80);
        String media = browser.initialize("image/png", "tweet_image", png.length);
        assertThat(browser.append(media, 0, png).status()).isEqualTo(200);
        JsonNode fin = browser.finalizeUpload(media).data();
        assertThat(fin.get("media_key").asString()).isEqualTo("3_" + media);
        assertThat(browser.status(media).status()).isEqualTo(200);
        assertThat(browser.get("/2/media/upload/" + media + "/segments").status()).isEqualTo(200);
        // the media is the granting user's, with the owners the grant named (not whatever the browser would say)
        JsonNode looked = user.get("/2/media/3_" + media).data();
        assertThat(looked.get("media_key").asString()).isEqualTo("3_" + media);
        assertThat(new Api(server.baseUrl(), server.createToken("7300", "tweet.read")).get("/2/media/3_" + media).status()).isEqualTo(200);
        // the second upload: the browser's additional_owners and shared are the grant's business, not its own
        String second = browser.initialize("image/png", "tweet_image", png.length);

        JsonNode read = user.get("/2/media/upload/grants/" + id).data();
        assertThat(read.has("token")).as("the token is shown once").isFalse();
        assertThat(read.get("uploads_started").asInt()).isEqualTo(2);
        assertThat(read.get("state").asString()).isEqualTo("used");
        assertThat(read.get("uploads")).hasSize(2);
        assertThat(read.get("uploads").get(0).get("id").asString()).isEqualTo(media);
        assertThat(read.get("uploads").get(0).get("media_key").asString()).isEqualTo("3_" + media);
        assertThat(read.get("uploads").get(0).get("state").asString()).isEqualTo("succeeded");
        assertThat(read.get("uploads").get(1).get("state").asString()).isEqualTo("uploading");
        assertThat(user.get("/2/media/upload/grants").json().get("data").findValuesAsString("id")).contains(id);

        // past its count: refused, nothing started
        assertProblem(browser.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":10}"), 403,
                GRANT_USED_UP);
        assertThat(user.get("/2/media/upload/grants/" + id).data().get("uploads")).hasSize(2);
        // the webhook of the finished one names the grant
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (delivered.stream().noneMatch(b -> b.contains("\"3_" + media + "\"")) && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(delivered.stream().filter(b -> b.contains("\"3_" + media + "\"")).findFirst().orElseThrow())
                .contains("\"grant_id\":\"" + id + "\"");
        assertThat(browser.append(second, 0, png).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void capsAreCheckedAtInitializeAndAtAppendAndARefusalStoresNothing() {
        String token = created(user.postJson("/2/media/upload/grants", """
                {"media_category":"tweet_image","media_types":["image/png"],"max_bytes":500,"uploads":5}""")).get("token").asString();
        Api browser = bearer(token);
        assertProblem(browser.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/jpeg\",\"total_bytes\":100}"), 400,
                GRANT_TYPE);
        assertProblem(browser.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":501}"), 400,
                GRANT_TOO_LARGE);
        assertProblem(browser.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}"), 400, GRANT_NEEDS_TOTAL);
        assertProblem(browser.postJson("/2/media/upload/initialize",
                "{\"media_type\":\"image/gif\",\"media_category\":\"tweet_gif\",\"total_bytes\":10}"), 400, GRANT_CATEGORY);
        // at append, exactly: 500 declared, 501 sent
        String id = browser.initialize("image/png", "tweet_image", 500);
        Res over = browser.append(id, 0, new byte[501]);
        assertThat(over.status()).as(over.toString()).isIn(400, 413);
        assertThat(browser.get("/2/media/upload/" + id + "/segments").data().get("segments")).isEmpty();
        // one-shot uploads are held to the same caps (this picture is 543 bytes)
        Res big = browser.postMultipart("/2/media/upload", new Api.Multipart().field("media_category", "tweet_image")
                .file("media", "a.png", Api.png(400, 400)));
        assertThat(big.status()).as(big.toString()).isEqualTo(400);
        // four refusals and one upload: only the one counts
        JsonNode grants = user.get("/2/media/upload/grants").json().get("data");
        JsonNode mine = null;
        for (JsonNode g : grants) if (g.get("max_bytes") != null && g.get("max_bytes").asLong() == 500) mine = g;
        assertThat(mine).isNotNull();
        assertThat(mine.get("uploads_started").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aVideoLongerThanTheGrantAllowsFailsProcessing() throws Exception {
        String token = created(user.postJson("/2/media/upload/grants",
                "{\"media_category\":\"tweet_video\",\"max_duration_secs\":1}")).get("token").asString();
        Api browser = bearer(token);
        byte[] clip = Fixtures.mp4(3, 160, 120);
        String id = browser.initialize("video/mp4", "tweet_video", clip.length);
        browser.append(id, 0, clip);
        browser.finalizeUpload(id);
        JsonNode done = browser.awaitProcessed(id, Duration.ofSeconds(60));
        assertThat(done.get("processing_info").get("state").asString()).isEqualTo("failed");
        assertThat(browser.status(id).json().get("errors").get(0).get("detail").asString()).contains("at most 1 s");
    }

    @Test
    @Order(3)
    void aGrantDoesNothingButItsOwnUploads() {
        String grantId;
        Api browser;
        {
            JsonNode g = created(user.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\",\"uploads\":3}"));
            grantId = g.get("id").asString();
            browser = bearer(g.get("token").asString());
        }
        byte[] png = Api.png(32, 32);
        // the user's own upload, and another user's: a grant of that user sees neither
        String own = user.initialize("image/png", "tweet_image", png.length);
        String other = stranger.initialize("image/png", "tweet_image", png.length);
        for (String id : List.of(own, other)) {
            assertThat(browser.append(id, 0, png).status()).isEqualTo(404);
            assertThat(browser.status(id).status()).isEqualTo(404);
            assertThat(browser.finalizeUpload(id).status()).isEqualTo(404);
        }
        String mine = browser.initialize("image/png", "tweet_image", png.length);
        browser.append(mine, 0, png);
        String key = browser.finalizeUpload(mine).data().get("media_key").asString();
        // what it uploaded, it may look up and describe (alt text)
        assertThat(browser.get("/2/media/" + key).status()).isEqualTo(200);
        assertThat(browser.postJson("/2/media/metadata", "{\"id\":\"" + mine + "\",\"metadata\":{\"alt_text\":{\"text\":\"x\"}}}")
                .status()).isEqualTo(200);
        assertThat(user.get("/2/media/" + key + "?media.fields=alt_text").data().get("alt_text").asString()).isEqualTo("x");
        // the user's other media: not found for the grant, nor its bytes
        user.append(own, 0, png);
        String ownKey = user.finalizeUpload(own).data().get("media_key").asString();
        Res notFound = browser.get("/2/media/" + ownKey); // X answers a lookup of media one may not see with errors only
        assertThat(notFound.json().has("data")).as(notFound.toString()).isFalse();
        assertThat(notFound.json().get("errors").get(0).get("type").asString()).endsWith("resource-not-found");
        assertThat(browser.get("/2/media?media_keys=" + ownKey + "," + key).json().get("data")).hasSize(1);
        assertThat(browser.postJson("/2/media/metadata", "{\"id\":\"" + own + "\",\"metadata\":{\"alt_text\":{\"text\":\"x\"}}}")
                .status()).isEqualTo(404);
        String ownUrl = user.get("/2/media/" + ownKey + "?media.fields=variants,url").data().get("url").asString();
        String ownPath = URI.create(ownUrl).getPath();
        assertThat(browser.get(ownPath).status()).as("delivery of the user's other media with the grant as credentials").isEqualTo(404);
        assertThat(user.get(ownPath).status()).isEqualTo(200);
        // no listing, analytics, deletes, grants, v1.1
        for (Res r : List.of(browser.get("/2/media/mine"),
                browser.get("/2/media/analytics?media_keys=" + key + "&start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z"
                        + "&granularity=total"),
                browser.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\"}"),
                browser.get("/2/media/upload/grants/" + grantId),
                browser.send("DELETE", "/2/media/" + key, null, null)))
            assertProblem(r, 403, GRANT_ONLY_UPLOADS);
        assertThat(browser.send("GET", "/1.1/media/upload.json?command=STATUS&media_id=" + mine, null, null).status()).isEqualTo(403);
        // the owner reads and revokes; a stranger cannot even see the grant
        assertThat(stranger.get("/2/media/upload/grants/" + grantId).status()).isEqualTo(404);
        assertThat(stranger.send("DELETE", "/2/media/upload/grants/" + grantId, null, null).status()).isEqualTo(404);
        assertThat(user.send("DELETE", "/2/media/upload/grants/" + grantId, null, null).status()).isEqualTo(200);
        assertProblem(browser.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":10}"), 401,
                GRANT_NOT_LIVE);
        assertThat(user.get("/2/media/upload/grants/" + grantId).data().get("state").asString()).isEqualTo("revoked");
        assertThat(user.get("/2/media/upload/grants/" + grantId).data().get("uploads")).hasSize(1);
    }

    static final String TUS = "1.0.0";

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A whole upload in one tus request (creation-with-upload); its media id. */
    static String tusUpload(Api api, String declaredType, byte[] bytes) {
        Res made = api.send("POST", "/files", "application/offset+octet-stream", bytes, "Tus-Resumable", TUS,
                "Upload-Length", Integer.toString(bytes.length), "Upload-Metadata", "filetype " + b64(declaredType));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return made.raw().headers().firstValue("Mediaup-Media-Id").orElseThrow();
    }

    @Test
    @Order(3)
    void aGrantNeverDeletesMediaAndMayOnlyAbandonAnUploadStillInProgress() {
        JsonNode g = created(user.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\",\"uploads\":4}"));
        String grantId = g.get("id").asString();
        Api browser = bearer(g.get("token").asString());
        byte[] png = Api.png(24, 24);
        String viaX = browser.initialize("image/png", "tweet_image", png.length);
        browser.append(viaX, 0, png);
        assertThat(browser.finalizeUpload(viaX).status()).isEqualTo(200);
        String viaTus = tusUpload(browser, "image/png", png);
        for (String id : List.of(viaX, viaTus)) {
            assertProblem(browser.send("DELETE", "/files/" + id, null, null, "Tus-Resumable", TUS), 403, GRANT_CANNOT_DELETE);
            assertThat(user.get("/2/media/3_" + id).status()).as("still there").isEqualTo(200);
        }
        // an upload still in progress may be abandoned: it ends (410 from then on) but stays listed under the grant
        String open = browser.initialize("image/png", "tweet_image", png.length * 2L);
        assertThat(browser.append(open, 0, png).status()).isEqualTo(200);
        assertThat(browser.send("DELETE", "/files/" + open, null, null, "Tus-Resumable", TUS).status()).isEqualTo(204);
        assertThat(browser.send("DELETE", "/files/" + open, null, null, "Tus-Resumable", TUS).status()).as("again").isEqualTo(204);
        assertThat(browser.send("HEAD", "/files/" + open, null, null, "Tus-Resumable", TUS).status()).isEqualTo(410);
        assertThat(browser.append(open, 1, png).status()).isBetween(400, 499);
        JsonNode listed = user.get("/2/media/upload/grants/" + grantId).data().get("uploads");
        assertThat(listed.findValuesAsString("id")).containsExactly(viaX, viaTus, open);
        assertThat(listed.get(2).get("state").asString()).isEqualTo("expired");
        // the other write paths stay closed to it: subtitles, v1.1, metadata of media it did not upload
        String own = user.initialize("image/png", "tweet_image", png.length);
        user.append(own, 0, png);
        user.finalizeUpload(own);
        assertProblem(browser.postJson("/2/media/subtitles", "{\"id\":\"" + viaX + "\",\"media_category\":\"tweet_video\","
                + "\"subtitles\":[{\"id\":\"" + viaTus + "\",\"language_code\":\"EN\",\"display_name\":\"x\"}]}"), 403, GRANT_ONLY_UPLOADS);
        assertProblem(browser.send("DELETE", "/2/media/subtitles", "application/json", ("{\"id\":\"" + viaX
                + "\",\"media_category\":\"tweet_video\",\"subtitles\":{\"language_code\":\"EN\"}}").getBytes(StandardCharsets.UTF_8)), 403,
                GRANT_ONLY_UPLOADS);
        assertThat(browser.postJson("/1.1/media/metadata/create.json", "{\"media_id\":\"" + own + "\",\"alt_text\":{\"text\":\"x\"}}")
                .status()).isEqualTo(403);
        assertThat(browser.postJson("/2/media/metadata", "{\"id\":\"" + own + "\",\"metadata\":{\"alt_text\":{\"text\":\"x\"}}}")
                .status()).isEqualTo(404);
        assertThat(user.get("/2/media/3_" + own + "?media.fields=alt_text").data().has("alt_text")).isFalse();
    }

    @Test
    @Order(3)
    void aGrantsTypeCapHoldsOnWhatTheBytesAreNotOnWhatWasDeclared() throws Exception {
        Api browser = bearer(created(user.postJson("/2/media/upload/grants",
                "{\"media_category\":\"tweet_image\",\"media_types\":[\"image/png\"],\"uploads\":3}")).get("token").asString());
        byte[] jpeg = Fixtures.jpegWithExif(40, 30);
        String viaX = browser.initialize("image/png", "tweet_image", jpeg.length);
        assertThat(browser.append(viaX, 0, jpeg).status()).isEqualTo(200);
        Res fin = browser.finalizeUpload(viaX);
        String viaTus = tusUpload(browser, "image/png", jpeg);
        for (String id : List.of(viaX, viaTus)) {
            JsonNode st = browser.status(id).json();
            assertThat(st.get("data").get("processing_info").get("state").asString()).as(st.toString()).isEqualTo("failed");
            assertThat(st.get("errors").get(0).get("detail").asString()).contains("image/jpeg").contains("allows only image/png");
            // nothing of it is kept: no bytes, no media
            assertThat(user.get("/2/media/upload/" + id + "/segments").data().get("segments")).isEmpty();
            assertThat(user.get("/2/media/3_" + id).json().has("data")).isFalse();
        }
        assertThat(fin.json().get("data").get("processing_info").get("state").asString()).as(fin.toString()).isEqualTo("failed");
        assertThat(user.get("/2/media/mine").json().toString()).doesNotContain(viaX).doesNotContain(viaTus);
        // what the cap allows still works
        byte[] png = Api.png(20, 20);
        String ok = browser.initialize("image/png", "tweet_image", png.length);
        browser.append(ok, 0, png);
        assertThat(browser.finalizeUpload(ok).data().get("media_key").asString()).isEqualTo("3_" + ok);
    }

    @Test
    @Order(3)
    void revokingOrExpiringTheTokenThatMadeAGrantEndsTheGrant() throws Exception {
        String maker = server.createToken("7600", "media.write tweet.read");
        Api owner = new Api(server.baseUrl(), server.createToken("7600", "media.write tweet.read"));
        JsonNode g = created(new Api(server.baseUrl(), maker).postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\"}"));
        String init = "{\"media_type\":\"image/png\",\"total_bytes\":10}";
        assertThat(bearer(g.get("token").asString()).postJson("/2/media/upload/initialize", init).status()).isEqualTo(200);
        server.cli("token", "revoke", tokenId(maker));
        // at once (grants are never cached), well within the 10 s a revoked token itself may still work
        assertProblem(bearer(g.get("token").asString()).postJson("/2/media/upload/initialize", init), 401, GRANT_NOT_LIVE);
        JsonNode revoked = owner.get("/2/media/upload/grants/" + g.get("id").asString()).data();
        assertThat(revoked.get("state").asString()).isEqualTo("revoked");
        assertThat(revoked.get("revoked_by").asString()).isEqualTo("token_revoked");
        // (a grant whose maker's token expires, and a grant's own expiry: TimeRulesTest, on the server's clock)
    }

    @Test
    @Order(3)
    void revokingTheAppAGrantWasMadeThroughRevokesTheGrant() throws Exception {
        var creds = server.oauth1("7700");
        // a grant made with OAuth 1.0a user credentials of an app (the Java SDK signs), then the app is revoked
        MediaClient app = MediaClient.builder().baseUrl(server.baseUrl()).oauth1(creds.get("consumer_key"),
                creds.get("consumer_secret"), creds.get("oauth_token"), creds.get("oauth_token_secret")).build();
        dev.mediaup.client.Grant g = app.grants().create(dev.mediaup.client.Grant.Request.of("tweet_image").uploads(5));
        String init = "{\"media_type\":\"image/png\",\"total_bytes\":10}";
        assertThat(bearer(g.token()).postJson("/2/media/upload/initialize", init).status()).isEqualTo(200);
        Api admin = new Api(server.baseUrl(), server.createToken("9000", "media.write tweet.read mediaup.admin"));
        assertThat(admin.send("DELETE", "/2/admin/apps/" + creds.get("consumer_key"), null, null).status()).isEqualTo(200);
        assertProblem(bearer(g.token()).postJson("/2/media/upload/initialize", init), 401, GRANT_NOT_LIVE);
        Api owner = new Api(server.baseUrl(), server.createToken("7700", "media.write tweet.read"));
        JsonNode read = owner.get("/2/media/upload/grants/" + g.id()).data();
        assertThat(read.get("state").asString()).isEqualTo("revoked");
        assertThat(read.get("revoked_by").asString()).isEqualTo("app_revoked");
    }

    /** A token's id, as `token list` shows it: the first 12 hex digits of its SHA-256. */
    static String tokenId(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    }

    @Test
    @Order(4)
    void badGrantRequestsAreRefused() throws Exception {
        for (String body : List.of("{}", "{\"media_category\":\"tweet_nope\"}", "{\"media_category\":\"tweet_image\",\"uploads\":0}",
                "{\"media_category\":\"tweet_image\",\"uploads\":1001}", "{\"media_category\":\"tweet_image\",\"expires_in_secs\":59}",
                "{\"media_category\":\"tweet_image\",\"expires_in_secs\":604801}",
                "{\"media_category\":\"tweet_image\",\"media_types\":[\"video/mp4\"]}",
                "{\"media_category\":\"tweet_image\",\"max_bytes\":999999999999}",
                "{\"media_category\":\"tweet_image\",\"allowed_origins\":[\"https://app.example/path\"]}",
                "{\"media_category\":\"tweet_image\",\"surprise\":1}", "[1]"))
            assertThat(user.postJson("/2/media/upload/grants", body).status()).as(body).isEqualTo(400);
        Api app = new Api(server.baseUrl(), server.oauth1("7400").get("bearer_token"));
        assertThat(app.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\"}").status()).isEqualTo(403);
        assertThat(bearer("mug_nope").postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}").status()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void corsAnswersListedOriginsOnlyAndAGrantRefusesOriginsItDoesNotList() {
        Api anon = new Api(server.baseUrl(), null);
        Res pre = anon.send("OPTIONS", "/2/media/upload/initialize", null, null, "Origin", APP, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type,x-checksum-sha256");
        assertThat(pre.status()).as(pre.toString()).isBetween(200, 204);
        var h = pre.raw().headers();
        assertThat(h.firstValue("Access-Control-Allow-Origin")).contains(APP);
        assertThat(h.firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization").contains("content-type");
        assertThat(h.firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(h.firstValue("Access-Control-Max-Age")).contains("86400");
        Res foreign = anon.send("OPTIONS", "/2/media/upload/initialize", null, null, "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST");
        assertThat(foreign.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        Res real = user.send("GET", "/2/media/upload/grants", null, null, "Origin", APP);
        assertThat(real.raw().headers().firstValue("Access-Control-Allow-Origin")).contains(APP);
        assertThat(real.raw().headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("x-rate-limit-remaining");
        assertThat(user.send("GET", "/2/media/upload/grants", null, null, "Origin", "https://evil.example").raw().headers()
                .firstValue("Access-Control-Allow-Origin")).isEmpty();

        // a grant for app.example only: the other allowed CORS origin cannot use it
        String token = created(user.postJson("/2/media/upload/grants",
                "{\"media_category\":\"tweet_image\",\"allowed_origins\":[\"https://app.example\"]}")).get("token").asString();
        Res other = bearer(token).send("POST", "/2/media/upload/initialize", "application/json",
                "{\"media_type\":\"image/png\",\"total_bytes\":10}".getBytes(StandardCharsets.UTF_8), "Origin", "https://other.example");
        assertProblem(other, 403, GRANT_ORIGIN);
        Res ok = bearer(token).send("POST", "/2/media/upload/initialize", "application/json",
                "{\"media_type\":\"image/png\",\"total_bytes\":10}".getBytes(StandardCharsets.UTF_8), "Origin", APP);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void theServerSideExampleCreatesAGrantWithTheJavaSdk() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "../examples/CreateGrant.java", server.baseUrl(),
                user.token, APP).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        JsonNode printed = Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        String token = printed.get("token").asString();
        assertThat(token).startsWith("mug_");
        JsonNode g = user.get("/2/media/upload/grants/" + printed.get("grant_id").asString()).data();
        assertThat(g.get("media_category").asString()).isEqualTo("tweet_video");
        assertThat(g.get("allowed_origins").get(0).asString()).isEqualTo(APP);
        // the token it printed is a working grant: a PNG is not what it allows
        assertThat(bearer(token).from(APP).postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":10}")
                .status()).isEqualTo(400);
    }
}
