package dev.mediaup.api;

import dev.mediaup.core.ProblemCode;
import dev.mediaup.it.Api;
import dev.mediaup.it.Api.Multipart;
import dev.mediaup.it.Api.Res;
import dev.mediaup.it.InProcessServer;
import dev.mediaup.it.StoreSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.mediaup.it.Api.assertMatchesSchema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, one row each: every case must answer the stated 4xx with a JSON problem in X's shape and its stable
 * error code, and change nothing — no upload, segment, state or blob file appears, disappears or moves. The real
 * server in this JVM ({@link InProcessServer}); one row per dialect also runs against a server process (BadInputIT).
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static InProcessServer server;
    static Api api;
    /** Fixtures the bad requests aim at: an open upload with segment 0, an empty one, a finalized image. */
    static String open, empty, done, doneKey;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(dir.resolve("data"));
        api = new Api(server.baseUrl(), server.createToken("5005", "media.write tweet.read"));
        api.as(null); // warm-up nothing; tokens for the auth rows are created per row
        open = api.initialize("video/mp4", "tweet_video", 1000);
        assertThat(api.append(open, 0, new byte[400]).status()).isEqualTo(200);
        empty = api.initialize("image/png", "tweet_image", 1000);
        byte[] png = Api.png(10, 10);
        done = api.initialize("image/png", null, png.length);
        api.append(done, 0, png);
        doneKey = api.finalizeUpload(done).data().get("media_key").asString();
        readOnlyToken = server.createToken("5006", "tweet.read");
    }

    static String readOnlyToken;

    @AfterAll
    static void stop() {
        server.close();
    }

    record Case(String name, int status, Function<Api, Res> request) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, int status, Function<Api, Res> request) {
        return new Case(name, status, request);
    }

    static Res init(Api a, String json) {
        return a.postJson("/2/media/upload/initialize", json);
    }

    static Res focus(Api a, String value) {
        return a.postJson("/2/media/metadata", "{\"id\":\"" + done + "\",\"metadata\":{\"x_focus\":" + value + "}}");
    }

    static Res appendJson(Api a, String json) {
        return a.postJson("/2/media/upload/" + open + "/append", json);
    }

    static Res appendMp(Api a, Multipart mp, String... headers) {
        return a.postMultipart("/2/media/upload/" + open + "/append", mp, headers);
    }

    /** The SHA-256 of no bytes, in base64: a well-formed digest no media here has. */
    static final String EMPTY_SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    static Res digested(Api a, String reprDigest) {
        return a.send("POST", "/2/media/upload/initialize", "application/json", "{\"media_type\":\"image/png\"}".getBytes(
                StandardCharsets.UTF_8), "Repr-Digest", reprDigest);
    }

    /** A picture in one request, with the Repr-Digest given. */
    static Res oneShotDigested(Api a, String reprDigest) {
        return a.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image").file("media", "p.png",
                Api.png(8, 8)), "Repr-Digest", reprDigest);
    }

    static final String rufh = "/2/media/upload/resumable/";

    static Res rufhPatch(Api a, String id, String offset, String complete) {
        return a.send("PATCH", rufh + id, "application/partial-upload", new byte[3], "Upload-Draft-Interop-Version", "8",
                "Upload-Offset", offset, "Upload-Complete", complete);
    }

    static Res raw(Api a, String method, String path, String contentType, String body) {
        return a.send(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> cases() {
        String owners101 = String.join(",", Collections.nCopies(101, "\"12\""));
        List<Case> cs = List.of(
                // initialize
                c("init: empty body", 400, a -> init(a, "")),
                c("init: not JSON", 400, a -> init(a, "media_type=image/png")),
                c("init: JSON array", 400, a -> init(a, "[]")),
                c("init: JSON string", 400, a -> init(a, "\"x\"")),
                c("init: truncated JSON", 400, a -> init(a, "{\"media_type\":")),
                c("init: trailing garbage", 400, a -> init(a, "{\"media_type\":\"image/png\"} x")),
                c("init: media_type missing", 400, a -> init(a, "{}")),
                c("init: Repr-Digest not a dictionary", 400, a -> digested(a, "sha-256=abc")),
                c("init: Repr-Digest of an unknown algorithm only", 400, a -> digested(a, "md5=:1B2M2Y8AsgTpgAmY7PhCfg==:")),
                c("init: Repr-Digest sha-256 of 16 bytes", 400, a -> digested(a, "sha-256=:1B2M2Y8AsgTpgAmY7PhCfg==:")),
                c("init: Repr-Digest sha-256 as a string", 400, a -> digested(a, "sha-256=\"47DEQpj8HBSa\"")),
                c("init: Repr-Digest not base64", 400, a -> digested(a, "sha-256=:47DEQpj8HB*a+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")),
                c("init: Repr-Digest with a trailing comma", 400, a -> digested(a, "sha-256=:" + EMPTY_SHA256 + ":,")),
                c("init: Repr-Digest of 2 KB", 400, a -> digested(a, "sha-256=:" + EMPTY_SHA256 + ":, " + "x=1, ".repeat(400) + "y=1")),
                c("one-shot: a Repr-Digest the bytes do not have", 400, a -> oneShotDigested(a, "sha-256=:" + EMPTY_SHA256 + ":")),
                c("one-shot: a malformed Repr-Digest", 400, a -> oneShotDigested(a, "sha-256")),
                c("init: media_type null", 400, a -> init(a, "{\"media_type\":null}")),
                c("init: media_type unknown", 400, a -> init(a, "{\"media_type\":\"image/xyz\"}")),
                c("init: media_type a number", 400, a -> init(a, "{\"media_type\":5}")),
                c("init: media_type wrong case", 400, a -> init(a, "{\"media_type\":\"IMAGE/PNG\"}")),
                c("init: media_category unknown", 400, a -> init(a, "{\"media_type\":\"image/png\",\"media_category\":\"tweet_audio\"}")),
                c("init: media_category wrong case", 400, a -> init(a, "{\"media_type\":\"image/png\",\"media_category\":\"TWEET_IMAGE\"}")),
                c("init: media_category an array", 400, a -> init(a, "{\"media_type\":\"image/png\",\"media_category\":[\"tweet_image\"]}")),
                c("init: type does not fit category", 400, a -> init(a, "{\"media_type\":\"video/mp4\",\"media_category\":\"tweet_image\"}")),
                c("init: subtitles type as a gif", 400, a -> init(a, "{\"media_type\":\"text/srt\",\"media_category\":\"tweet_gif\"}")),
                c("init: total_bytes negative", 400, a -> init(a, "{\"media_type\":\"image/png\",\"total_bytes\":-1}")),
                c("init: total_bytes above 16 GiB", 400, a -> init(a, "{\"media_type\":\"video/mp4\",\"total_bytes\":17179869185}")),
                c("init: total_bytes beyond a long", 400, a -> init(a, "{\"media_type\":\"video/mp4\",\"total_bytes\":99999999999999999999999}")),
                c("init: total_bytes a string", 400, a -> init(a, "{\"media_type\":\"image/png\",\"total_bytes\":\"100\"}")),
                c("init: total_bytes a fraction", 400, a -> init(a, "{\"media_type\":\"image/png\",\"total_bytes\":1.5}")),
                c("init: image over the image limit", 400, a -> init(a, "{\"media_type\":\"image/png\",\"total_bytes\":5242881}")),
                c("init: shared a string", 400, a -> init(a, "{\"media_type\":\"image/png\",\"shared\":\"yes\"}")),
                c("init: additional_owners a string", 400, a -> init(a, "{\"media_type\":\"image/png\",\"additional_owners\":\"123\"}")),
                c("init: additional_owners not digits", 400, a -> init(a, "{\"media_type\":\"image/png\",\"additional_owners\":[\"abc\"]}")),
                c("init: additional_owners 20 digits", 400, a -> init(a, "{\"media_type\":\"image/png\",\"additional_owners\":[\"12345678901234567890\"]}")),
                c("init: additional_owners numbers", 400, a -> init(a, "{\"media_type\":\"image/png\",\"additional_owners\":[123]}")),
                c("init: 101 additional_owners", 400, a -> init(a, "{\"media_type\":\"image/png\",\"additional_owners\":[" + owners101 + "]}")),
                c("init: duplicate key", 400, a -> init(a, "{\"media_type\":\"image/png\",\"media_type\":\"video/mp4\"}")),
                c("init: unknown field", 400, a -> init(a, "{\"media_type\":\"image/png\",\"foo\":1}")),
                c("init: body over 64 KiB", 413, a -> init(a, "{\"media_type\":\"image/png\",\"x\":\"" + "a".repeat(70_000) + "\"}")),
                // append
                c("append: id not a number", 400, a -> a.append("abc", 0, new byte[1])),
                c("append: id of 20 digits", 400, a -> a.append("12345678901234567890", 0, new byte[1])),
                c("append: unknown id", 404, a -> a.append("1234567890123456789", 0, new byte[1])),
                c("append: no content type", 415, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", null, "abc")),
                c("append: text/plain", 415, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", "text/plain", "abc")),
                c("append: multipart without media", 400, a -> appendMp(a, new Multipart().field("segment_index", "1"))),
                c("append: multipart without segment_index", 400, a -> appendMp(a, new Multipart().file("media", null, new byte[10]))),
                c("append: segment_index -1", 400, a -> appendMp(a, new Multipart().field("segment_index", "-1").file("media", null, new byte[10]))),
                c("append: segment_index 1000", 400, a -> appendMp(a, new Multipart().field("segment_index", "1000").file("media", null, new byte[10]))),
                c("append: segment_index not a number", 400, a -> appendMp(a, new Multipart().field("segment_index", "one").file("media", null, new byte[10]))),
                c("append: segment_index huge", 400, a -> appendMp(a, new Multipart().field("segment_index", "99999999999999999999").file("media", null, new byte[10]))),
                c("append: two media parts", 400, a -> appendMp(a, new Multipart().field("segment_index", "1").file("media", null, new byte[10]).file("media", null, new byte[10]))),
                c("append: segment_index twice", 400, a -> appendMp(a, new Multipart().field("segment_index", "1").field("segment_index", "2").file("media", null, new byte[10]))),
                c("append: unknown multipart field", 400, a -> appendMp(a, new Multipart().field("segment_index", "1").field("color", "red").file("media", null, new byte[10]))),
                c("append: multipart without boundary", 400, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", "multipart/form-data", "--x\r\n")),
                c("append: multipart cut short", 400, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", "multipart/form-data; boundary=b",
                        "--b\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nabc")),
                c("append: multipart garbage", 400, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", "multipart/form-data; boundary=b", "garbage")),
                c("append: JSON invalid base64", 400, a -> appendJson(a, "{\"segment_index\":1,\"media\":\"!!!not base64!!!\"}")),
                c("append: JSON media a number", 400, a -> appendJson(a, "{\"segment_index\":1,\"media\":12}")),
                c("append: JSON media missing", 400, a -> appendJson(a, "{\"segment_index\":1}")),
                c("append: JSON segment_index missing", 400, a -> appendJson(a, "{\"media\":\"AAAA\"}")),
                c("append: JSON segment_index a fraction", 400, a -> appendJson(a, "{\"media\":\"AAAA\",\"segment_index\":1.5}")),
                c("append: JSON segment_index an object", 400, a -> appendJson(a, "{\"media\":\"AAAA\",\"segment_index\":{}}")),
                c("append: JSON unknown field", 400, a -> appendJson(a, "{\"media\":\"AAAA\",\"segment_index\":1,\"x\":1}")),
                c("append: JSON not an object", 400, a -> appendJson(a, "[1,2]")),
                c("append: JSON cut short", 400, a -> appendJson(a, "{\"segment_index\":1,\"media\":\"AAAA")),
                c("append: Content-MD5 malformed", 400, a -> appendMp(a, new Multipart().field("segment_index", "1").file("media", null, new byte[10]), "Content-MD5", "zzz")),
                c("append: Content-MD5 mismatch", 400, a -> appendMp(a, new Multipart().field("segment_index", "1").file("media", null, new byte[10]), "Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")),
                c("append: bytes beyond total_bytes", 413, a -> appendMp(a, new Multipart().field("segment_index", "1").file("media", null, new byte[601]))),
                c("append: replacing 0 beyond total_bytes", 413, a -> appendMp(a, new Multipart().field("segment_index", "0").file("media", null, new byte[1001]))),
                c("append: octet-stream without segment_index", 400, a -> raw(a, "POST", "/2/media/upload/" + open + "/append", "application/octet-stream", "abc")),
                c("append: to a finalized upload", 409, a -> a.append(done, 1, new byte[10])),
                // finalize
                c("finalize: unknown id", 404, a -> a.finalizeUpload("1234567890123456789")),
                c("finalize: id not a number", 400, a -> a.finalizeUpload("12ab")),
                c("finalize: no segments", 400, a -> a.finalizeUpload(empty)),
                c("finalize: sum below total_bytes", 400, a -> a.finalizeUpload(open)),
                // status
                c("status: media_id missing", 400, a -> a.get("/2/media/upload?command=STATUS")),
                c("status: media_id not a number", 400, a -> a.get("/2/media/upload?command=STATUS&media_id=x1")),
                c("status: unknown command", 400, a -> a.get("/2/media/upload?command=FOO&media_id=" + done)),
                c("status: unknown media_id", 404, a -> a.status("1234567890123456789")),
                // one-shot and the command form
                c("upload: text/plain body", 415, a -> raw(a, "POST", "/2/media/upload", "text/plain", "hello")),
                c("upload: multipart without media_category", 400, a -> a.postMultipart("/2/media/upload", new Multipart().file("media", "a.png", Api.png(4, 4)))),
                c("upload: one-shot amplify_video", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("media_category", "amplify_video").file("media", "a", new byte[10]))),
                c("upload: multipart without media", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image"))),
                c("upload: one-shot unknown field", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image").field("x", "1").file("media", "a.png", Api.png(4, 4)))),
                c("upload: one-shot bad owner", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("media_category", "tweet_image").field("additional_owners", "1,x").file("media", "a.png", Api.png(4, 4)))),
                c("upload: JSON one-shot without media", 400, a -> a.postJson("/2/media/upload", "{\"media_category\":\"tweet_image\"}")),
                c("upload: JSON one-shot bad base64", 400, a -> a.postJson("/2/media/upload", "{\"media_category\":\"tweet_image\",\"media\":\"%%%\"}")),
                c("upload: JSON one-shot owners as an array", 400, a -> a.postJson("/2/media/upload", "{\"media_category\":\"tweet_image\",\"additional_owners\":[\"1\"],\"media\":\"" + java.util.Base64.getEncoder().encodeToString(Api.png(4, 4)) + "\"}")),
                c("upload: JSON one-shot category a number", 400, a -> a.postJson("/2/media/upload", "{\"media_category\":3,\"media\":\"AAAA\"}")),
                c("upload: JSON one-shot without category", 400, a -> a.postJson("/2/media/upload", "{\"media\":\"AAAA\"}")),
                c("command: unknown", 400, a -> a.postForm("/2/media/upload", "command=BOGUS")),
                c("command: INIT without media_type", 400, a -> a.postForm("/2/media/upload", "command=INIT&total_bytes=10")),
                c("command: INIT total_bytes not a number", 400, a -> a.postForm("/2/media/upload", "command=INIT&media_type=image%2Fpng&total_bytes=ten")),
                c("command: INIT unknown parameter", 400, a -> a.postForm("/2/media/upload", "command=INIT&media_type=image%2Fpng&color=red")),
                c("command: INIT shared not boolean", 400, a -> a.postForm("/2/media/upload", "command=INIT&media_type=image%2Fpng&shared=maybe")),
                c("command: FINALIZE without media_id", 400, a -> a.postForm("/2/media/upload", "command=FINALIZE")),
                c("command: APPEND as a form", 415, a -> a.postForm("/2/media/upload", "command=APPEND&media_id=" + open + "&segment_index=1&media=abc")),
                c("command: APPEND without media_id", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("command", "APPEND").field("segment_index", "1").file("media", null, new byte[5]))),
                c("command: form without command", 400, a -> a.postForm("/2/media/upload", "media_type=image%2Fpng")),
                c("command: FINALIZE with media", 400, a -> a.postMultipart("/2/media/upload", new Multipart().field("command", "FINALIZE").field("media_id", open).file("media", null, new byte[5]))),
                // metadata: the focal point (a mediaup extension) is two numbers from -1 to 1, nothing else
                c("metadata: x_focus out of range", 400, a -> focus(a, "{\"x\":1.5,\"y\":0}")),
                c("metadata: x_focus a string", 400, a -> focus(a, "\"centre\"")),
                c("metadata: x_focus without y", 400, a -> focus(a, "{\"x\":0.5}")),
                c("metadata: x_focus with another member", 400, a -> focus(a, "{\"x\":0,\"y\":0,\"z\":0}")),
                c("metadata: x_focus x a string", 400, a -> focus(a, "{\"x\":\"0.5\",\"y\":0}")),
                c("metadata: x_focus huge", 400, a -> focus(a, "{\"x\":1e400,\"y\":0}")),
                c("metadata: x_poster_time_secs of a photo", 400, a -> a.postJson("/2/media/metadata", "{\"id\":\"" + done
                        + "\",\"metadata\":{\"x_poster_time_secs\":1}}")),
                c("metadata: x_poster_time_secs negative", 400, a -> a.postJson("/2/media/metadata", "{\"id\":\"" + done
                        + "\",\"metadata\":{\"x_poster_time_secs\":-1}}")),
                c("lookup: unknown extension field", 400, a -> a.get("/2/media/" + doneKey + "?media.fields=x_blurhash,x_bogus")),
                // pictures made on request: every parameter checked, named, and nothing made
                c("delivery: w not a number", 400, a -> a.get("/media/" + doneKey + "/orig?w=abc")),
                c("delivery: w negative", 400, a -> a.get("/media/" + doneKey + "/orig?w=-1")),
                c("delivery: w zero", 400, a -> a.get("/media/" + doneKey + "/orig?w=0")),
                c("delivery: w over the largest size", 400, a -> a.get("/media/" + doneKey + "/orig?w=99999")),
                c("delivery: fm bmp", 400, a -> a.get("/media/" + doneKey + "/orig?fm=bmp")),
                c("delivery: fit unknown", 400, a -> a.get("/media/" + doneKey + "/orig?w=64&h=64&fit=x")),
                c("delivery: q zero", 400, a -> a.get("/media/" + doneKey + "/orig?fm=webp&q=0")),
                c("delivery: w twice", 400, a -> a.get("/media/" + doneKey + "/orig?w=64&w=128")),
                c("delivery: unknown parameter", 400, a -> a.get("/media/" + doneKey + "/orig?t=NaN")),
                c("delivery: cover without h", 400, a -> a.get("/media/" + doneKey + "/orig?w=64&fit=cover")),
                c("delivery: a 2 KB query", 400, a -> a.get("/media/" + doneKey + "/orig?w=64&x=" + "a".repeat(2000))),
                c("delivery: a transform of the uploaded bytes", 400, a -> a.get("/media/" + doneKey + "/original?w=64")),
                // auth
                c("auth: no token", 401, a -> a.as(null).status(done)),
                c("auth: unknown token", 401, a -> a.as("mu_nope").status(done)),
                c("auth: Basic scheme", 401, a -> a.as(null).send("GET", "/2/media/upload?media_id=" + done, null, null, "Authorization", "Basic dXNlcjpwYXNz")),
                c("auth: empty bearer", 401, a -> a.as(null).send("GET", "/2/media/upload?media_id=" + done, null, null, "Authorization", "Bearer ")),
                c("auth: no media.write", 403, a -> a.as(readOnlyToken).postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}")),
                // HTTP itself, refused by Jetty before any route: still X-style JSON
                c("http: headers too large", 431, a -> a.send("GET", "/2/media/upload?media_id=1", null, null, "X-Big", "a".repeat(20_000))),
                c("http: URI too long", 414, a -> a.get("/2/media/upload?media_id=" + "1".repeat(10_000))),
                // routes
                c("route: unknown path", 404, a -> a.get("/2/media/upload/" + open + "/bogus")),
                c("route: wrong method", 404, a -> raw(a, "DELETE", "/2/media/upload/initialize", null, null))
        );
        return cs.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAnXStyleErrorAndChangesNothing(Case c) throws Exception {
        String before = snapshot();
        Res r = c.request().apply(api);
        assertThat(r.status()).as("%s → %s", c.name(), r).isEqualTo(c.status());
        assertThat(r.contentType()).as(c.name()).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(body.get("detail").asString()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(body.get("status").asInt()).isEqualTo(c.status());
        // which error it is, by its stable name, in the body and the header alike
        String code = body.path("error_code").asString("");
        assertThat(Arrays.stream(ProblemCode.values()).map(ProblemCode::wire)).as("%s → %s", c.name(), r).contains(code);
        assertThat(r.raw().headers().firstValue("Mediaup-Error-Code")).as(c.name()).contains(code);
        if (body.get("type").asString().startsWith("https://api.x.com/2/problems/")) assertMatchesSchema(body, "Problem");
        if (c.status() == 400 && body.has("parameter")) assertThat(body.get("errors").get(0).get("message").asString()).isNotBlank();
        assertThat(snapshot()).as("state after %s", c.name()).isEqualTo(before);
    }

    /** The other dialects' bad requests: each in its own shape (v1.1's errors list, tus's and delivery's problems). */
    static Stream<Arguments> otherDialects() {
        String tus = "/files", v11 = "/1.1/media/upload.json";
        return Stream.of(
                c("v1.1: metadata x_focus out of range", 400, a -> a.postJson("/1.1/media/metadata/create.json", "{\"media_id\":\""
                        + done + "\",\"x_focus\":{\"x\":0,\"y\":-2}}")),
                c("v1.1: unknown command", 400, a -> a.postForm(v11, "command=BOGUS")),
                c("v1.1: INIT without media_type", 400, a -> a.postForm(v11, "command=INIT&total_bytes=10")),
                c("v1.1: APPEND without media", 400, a -> a.postForm(v11, "command=APPEND&media_id=" + open + "&segment_index=1")),
                c("v1.1: APPEND media_data not base64", 400, a -> a.postForm(v11, "command=APPEND&media_id=" + open
                        + "&segment_index=1&media_data=%25%25%25")),
                c("v1.1: FINALIZE of an unknown id", 404, a -> a.postForm(v11, "command=FINALIZE&media_id=1234567890123456789")),
                c("v1.1: STATUS by GET without STATUS", 400, a -> a.get(v11 + "?command=INIT&media_id=" + done)),
                c("v1.1: APPEND media_data of nothing but junk", 400, a -> a.postForm(v11, "command=APPEND&media_id=" + open
                        + "&segment_index=1&media_data=%21%21%21%21")),
                c("v1.1: simple upload without media", 400, a -> a.postForm(v11, "media_category=tweet_image")),
                c("tus: no Tus-Resumable", 412, a -> a.send("POST", tus, null, null, "Upload-Length", "10")),
                c("tus: Upload-Length not a number", 400, a -> a.send("POST", tus, null, null, "Tus-Resumable", "1.0.0",
                        "Upload-Length", "ten", "Upload-Metadata", "filetype aW1hZ2UvcG5n")),
                c("tus: Upload-Length zero", 400, a -> a.send("POST", tus, null, null, "Tus-Resumable", "1.0.0",
                        "Upload-Length", "0", "Upload-Metadata", "filetype aW1hZ2UvcG5n")),
                c("tus: no filetype", 400, a -> a.send("POST", tus, null, null, "Tus-Resumable", "1.0.0", "Upload-Length", "10")),
                c("tus: a malformed Repr-Digest", 400, a -> a.send("POST", tus, null, null, "Tus-Resumable", "1.0.0",
                        "Upload-Length", "10", "Upload-Metadata", "filetype aW1hZ2UvcG5n", "Repr-Digest", "sha-256=:abc")),
                c("tus: Upload-Metadata value not base64", 400, a -> a.send("POST", tus, null, null, "Tus-Resumable", "1.0.0",
                        "Upload-Length", "10", "Upload-Metadata", "filetype %%%")),
                c("tus: PATCH of a finalized upload", 409, a -> a.send("PATCH", tus + "/" + done, "application/offset+octet-stream",
                        new byte[3], "Tus-Resumable", "1.0.0", "Upload-Offset", "0")),
                c("tus: PATCH with the wrong body type", 415, a -> a.send("PATCH", tus + "/" + open, "application/json",
                        new byte[3], "Tus-Resumable", "1.0.0", "Upload-Offset", "400")),
                c("tus: HEAD of an unknown upload", 404, a -> a.send("HEAD", tus + "/1234567890123456789", null, null,
                        "Tus-Resumable", "1.0.0")),
                c("resumable: PATCH not labelled application/partial-upload", 415, a -> a.send("PATCH", rufh + open,
                        "application/octet-stream", new byte[3], "Upload-Draft-Interop-Version", "8", "Upload-Offset", "0",
                        "Upload-Complete", "?0")),
                c("resumable: Upload-Offset negative", 400, a -> rufhPatch(a, open, "-1", "?0")),
                c("resumable: Upload-Offset a decimal", 400, a -> rufhPatch(a, open, "1.5", "?0")),
                c("resumable: Upload-Offset two items", 400, a -> rufhPatch(a, open, "0, 0", "?0")),
                c("resumable: Upload-Complete not a boolean", 400, a -> rufhPatch(a, open, "0", "yes")),
                c("resumable: no Upload-Complete", 400, a -> a.send("PATCH", rufh + open, "application/partial-upload", new byte[3],
                        "Upload-Draft-Interop-Version", "8", "Upload-Offset", "0")),
                c("resumable: an offset beyond the upload's", 409, a -> rufhPatch(a, open, "999999", "?0")),
                c("resumable: PATCH of a finalized upload", 409, a -> rufhPatch(a, done, "0", "?1")),
                c("resumable: Upload-Length negative", 400, a -> a.send("POST", "/2/media/upload?media_category=tweet_image", "image/png",
                        new byte[0], "Upload-Draft-Interop-Version", "8", "Upload-Complete", "?0", "Upload-Length", "-1")),
                c("resumable: Upload-Length not an integer", 400, a -> a.send("POST", "/2/media/upload?media_category=tweet_image",
                        "image/png", new byte[0], "Upload-Draft-Interop-Version", "8", "Upload-Complete", "?0", "Upload-Length", "ten")),
                c("resumable: Upload-Length and Content-Length disagree", 400, a -> a.send("POST",
                        "/2/media/upload?media_category=tweet_image", "image/png", new byte[5], "Upload-Draft-Interop-Version", "8",
                        "Upload-Complete", "?1", "Upload-Length", "6")),
                c("resumable: a raw body whose type nobody says", 400, a -> a.send("POST", "/2/media/upload?media_category=tweet_image",
                        "application/octet-stream", new byte[5], "Upload-Draft-Interop-Version", "8", "Upload-Complete", "?1")),
                c("resumable: an unknown query parameter", 400, a -> a.send("POST", "/2/media/upload?media_category=tweet_image&colour=red",
                        "image/png", new byte[5], "Upload-Draft-Interop-Version", "8", "Upload-Complete", "?1")),
                c("resumable: a Repr-Digest of an unknown algorithm", 400, a -> a.send("POST",
                        "/2/media/upload?media_category=tweet_image", "image/png", new byte[5], "Upload-Draft-Interop-Version", "8",
                        "Upload-Complete", "?1", "Repr-Digest", "sha-512=:" + EMPTY_SHA256 + ":")),
                c("resumable: HEAD of an unknown upload", 404, a -> a.send("HEAD", rufh + "1234567890123456789", null, null,
                        "Upload-Draft-Interop-Version", "8")),
                c("delivery: a range outside the media", 416, a -> a.send("GET", "/media/" + doneKey + "/orig", null, null,
                        "Range", "bytes=99999-")),
                c("delivery: a forged signature", 404, a -> a.as(null).get("/media/" + doneKey + "/orig?exp=9999999999&sig=AAAA")),
                c("delivery: a malformed media key", 404, a -> a.get("/media/3-1/orig"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherDialects")
    void otherDialectsAnswerInTheirShapeAndChangeNothing(Case c) throws Exception {
        String before = snapshot();
        Res r = c.request().apply(api);
        assertThat(r.status()).as("%s → %s", c.name(), r).isEqualTo(c.status());
        String code = r.raw().headers().firstValue("Mediaup-Error-Code").orElse("");
        assertThat(Arrays.stream(ProblemCode.values()).map(ProblemCode::wire)).as("%s → %s", c.name(), r).contains(code);
        if (!c.name().contains(": HEAD")) { // HEAD answers carry no body
            JsonNode body = r.json();
            if (c.name().startsWith("v1.1")) {
                assertThat(body.get("errors").get(0).get("code").isInt()).as(r.toString()).isTrue();
                assertThat(body.get("errors").get(0).get("message").asString()).isNotBlank();
                assertThat(body.get("errors").get(0).get("error_code").asString()).isEqualTo(code);
            } else {
                assertThat(body.get("detail").asString()).as(r.toString()).isNotBlank();
                assertThat(body.get("error_code").asString()).isEqualTo(code);
            }
        }
        assertThat(snapshot()).as("state after %s", c.name()).isEqualTo(before);
    }

    /** Everything a bad request could have touched: rows, states, segment sizes and the blobs (files or objects). */
    static String snapshot() throws Exception {
        return StoreSnapshot.of(server.db(), server.blobs("uploads"));
    }
}
