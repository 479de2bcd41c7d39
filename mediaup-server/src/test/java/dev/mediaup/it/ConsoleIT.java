package dev.mediaup.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console, used in Debian's Chromium as a person would (compat/console.mjs): sign in, drop a video
 * and two pictures, reload during the video's upload and resume it, watch it process, play and seek, alt text,
 * subtitles, usage, delete; an administrator revokes a token; sign-in through an OAuth issuer with PKCE. axe-core
 * checks every page (0 serious or critical violations) and screenshots (desktop, 360 px, dark) land in
 * target/console-screenshots. What the pages did is then checked through the API.
 */
class ConsoleIT {
    static final Path SHOTS = Path.of("target", "console-screenshots").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aPersonUploadsPlaysDescribesAndDeletesMediaInTheConsole() throws Exception {
        chromium();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--keep-originals", "--stored-quota-bytes", "2000000000",
                "--daily-quota-bytes", "4000000000").start()) {
            String token = server.createToken("9800", "media.write tweet.read users.read");
            Api api = new Api(server.baseUrl(), token);
            Path video = Files.write(dir.resolve("walk.mp4"), padded(Fixtures.mp4(4, 640, 360), 14 << 20)); // 7 segments of 2 MiB
            Path picture1 = Files.write(dir.resolve("red.jpg"), Fixtures.jpegWithExif(1200, 800));
            Path picture2 = Files.write(dir.resolve("grey.png"), Api.png(800, 600));
            Path srt = Files.writeString(dir.resolve("en.srt"), "1\n00:00:00,000 --> 00:00:02,000\nHello from the console\n\n"
                    + "2\n00:00:02,000 --> 00:00:04,000\nStill here\n");
            String alt = "A test card: colour bars, a moving gradient and a counter";
            JsonNode r = run("user", server, Map.of("token", token, "video", video.toString(), "picture1", picture1.toString(),
                    "picture2", picture2.toString(), "subtitles", srt.toString(), "altText", alt, "shots", SHOTS.resolve("user").toString()));
            assertClean(r);
            JsonNode upload = step(r, "upload");
            assertThat(upload.get("categories").toString()).as("categories inferred from the types")
                    .isEqualTo("[\"tweet_video\",\"tweet_image\",\"tweet_image\"]");
            assertThat(upload.get("interrupted").asBoolean()).as("the page lists the upload the reload cut").isTrue();
            assertThat(upload.get("resumeNote").asString()).isEqualTo("Will resume");
            assertThat(upload.get("videoState").asString()).as(r.toString()).startsWith("Done");
            assertThat(upload.get("pausedHeld").asBoolean()).as("no segment sent while paused " + upload).isTrue();
            assertThat(upload.get("refused").asInt()).as("the refused append was retried after Retry-After").isGreaterThanOrEqualTo(2);
            assertThat(upload.get("resumedSegments").asInt()).as("after the reload, the segments the server held were not sent again")
                    .isEqualTo(upload.get("appendsBeforeReload").asInt()).isBetween(1, 6);

            JsonNode video1 = step(r, "video");
            JsonNode played = video1.get("played");
            assertThat(played.get("hls").asBoolean()).as("played through hls.js").isTrue();
            assertThat(played.get("duration").asDouble()).isBetween(3.5, 4.5);
            assertThat(played.get("at").asDouble()).as("seeked").isBetween(1.9, 2.1);
            assertThat(played.get("readyState").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(video1.get("counter").asString()).isEqualTo(alt.length() + " of 1000 characters");
            assertThat(video1.get("tracks").toString()).isEqualTo("[\"English\"]");
            String key = video1.get("mediaKey").asString();
            assertThat(upload.get("videoId").asString()).isEqualTo("#/media/" + key);
            JsonNode status = api.status(key.substring(key.indexOf('_') + 1)).data();
            assertThat(status.get("processing_info").get("state").asString()).isEqualTo("succeeded");
            JsonNode looked = api.get("/2/media/" + key + "?media.fields=alt_text,variants").data();
            assertThat(looked.get("alt_text").asString()).as("alt text written by the console, read by X's lookup").isEqualTo(alt);
            assertThat(looked.has("subtitles")).as("attached, then removed in the console").isFalse();
            assertThat(video1.get("tracksAfter").asInt()).isZero();
            assertThat(video1.get("originalBytes").asLong()).as("the original, downloaded").isEqualTo(Files.size(video));
            JsonNode scrub = video1.get("scrub");
            assertThat(scrub.get("shown").asBoolean()).as("scrubbing shows the storyboard's thumbnail").isTrue();
            assertThat(scrub.get("sprite").asBoolean()).isTrue();
            assertThat(scrub.get("tile").asString()).as("a 4-s video: one thumbnail").isEqualTo("0,0");
            assertThat(scrub.get("time").asString()).isEqualTo("2.5 s");
            assertThat(scrub.get("seeked").asBoolean()).isTrue();

            JsonNode manage = step(r, "manage");
            assertThat(manage.get("photosShown").asInt()).as("the type filter").isEqualTo(2);
            assertThat(manage.get("placeholders").asInt()).as("BlurHash placeholders in the library").isGreaterThanOrEqualTo(3);
            assertThat(manage.get("focus").get("x").asDouble()).as("the focal point set in the console").isEqualTo(-0.5);
            assertThat(manage.get("focus").get("y").asDouble()).isEqualTo(0.25);
            assertThat(manage.get("listed").toString()).contains("video").contains("photo");
            JsonNode gone = api.get("/2/media/" + manage.get("pictureKey").asString()).json();
            assertThat(gone.has("data")).as("the deleted picture is gone").isFalse();
            assertThat(manage.get("storedAfter").asString()).as("usage changed with the deletion")
                    .isNotEqualTo(manage.get("storedBefore").asString()).contains(" of 2.0 GB · ");
            assertThat(manage.get("storedHint").asString()).as("what counts as stored, in words").contains("processing made")
                    .contains("originals");
            assertThat(manage.get("cardsAfter").asInt()).as("the other picture, deleted from the library's selection")
                    .isEqualTo(manage.get("cardsBefore").asInt() - 1);
            assertThat(step(r, "broken").get("state").asString()).as("X's error text").startsWith("Failed: ").hasSizeGreaterThan(20);
            assertThat(step(r, "signed-in").get("adminNav").asBoolean()).isFalse();
            assertThat(step(r, "not-admin").get("adminNav").asBoolean()).isFalse();

            // what the console built on: the extensions answer the owner and no one else
            JsonNode files = api.get("/2/media/" + key + "/variants").data();
            assertThat(files.get("media_category").asString()).isEqualTo("tweet_video");
            assertThat(files.get("variants").findValuesAsString("name")).contains("poster", "original");
            Api stranger = api.as(server.createToken("9801", "media.write tweet.read"));
            assertThat(stranger.get("/2/media/" + key + "/variants").status()).isEqualTo(404);
            JsonNode usage = api.get("/2/usage/media").data();
            assertThat(usage.get("stored_bytes_limit").asLong()).isEqualTo(2_000_000_000L);
            assertThat(usage.get("stored_bytes").asLong()).isPositive();
            for (String path : List.of("/2/admin/users", "/2/admin/tokens", "/2/admin/apps", "/2/admin/grants"))
                assertThat(api.get(path).status()).as("a user without the admin scope: " + path).isEqualTo(403);
            assertThat(api.postJson("/2/admin/tokens", "{\"user_id\":\"1\"}").status()).isEqualTo(403);
            assertThat(api.send("DELETE", "/2/admin/tokens/abc", null, null).status()).isEqualTo(403);
        }
    }

    @Test
    void anAdministratorRevokesATokenInTheConsoleAndItStopsWorking() throws Exception {
        chromium();
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            String adminToken = server.createToken("9000", "media.write tweet.read users.read mediaup.admin");
            String victim = server.createToken("9002", "media.write tweet.read");
            Api asVictim = new Api(server.baseUrl(), victim);
            assertThat(asVictim.get("/2/usage/media").status()).isEqualTo(200);
            String victimId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(victim.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 12);
            JsonNode r = run("admin", server, Map.of("token", adminToken, "revokeId", victimId, "shots", SHOTS.resolve("admin").toString()));
            assertClean(r);
            assertThat(step(r, "admin-nav").get("visible").asBoolean()).isTrue();
            assertThat(asVictim.get("/2/usage/media").status()).as("revoked in the console: refused at once").isEqualTo(401);
            String created = step(r, "admin").get("created").asString();
            JsonNode who = new Api(server.baseUrl(), created).get("/2/usage/media").data();
            assertThat(who.get("user_id").asString()).isEqualTo("9901");
            assertThat(who.get("scopes").toString()).doesNotContain("mediaup.admin");

            // the admin endpoints' own answers
            Api admin = new Api(server.baseUrl(), adminToken);
            assertThat(admin.postJson("/2/admin/tokens", "{\"user_id\":\"5\",\"scopes\":[\"root\"]}").status()).isEqualTo(400);
            assertThat(admin.postJson("/2/admin/tokens", "{\"user_id\":\"5\",\"nope\":1}").status()).isEqualTo(400);
            assertThat(admin.send("DELETE", "/2/admin/tokens/000000000000", null, null).status()).isEqualTo(404);
            Api.Res made = admin.postJson("/2/admin/apps", "{\"name\":\"Poster\"}");
            assertThat(made.status()).isEqualTo(201);
            JsonNode app = made.json().get("data");
            Api appOnly = new Api(server.baseUrl(), app.get("bearer_token").asString());
            assertThat(appOnly.get("/2/admin/users").status()).as("app-only tokens are never admins").isEqualTo(403);
            assertThat(admin.get("/2/admin/apps").text()).contains("Poster").doesNotContain(app.get("consumer_secret").asString());
            assertThat(admin.send("DELETE", "/2/admin/apps/" + app.get("consumer_key").asString(), null, null).status()).isEqualTo(200);
            assertThat(appOnly.get("/2/media/mine").status()).as("revoking an app revokes its bearer token").isEqualTo(401);
            String grant = admin.postJson("/2/media/upload/grants", "{\"media_category\":\"tweet_image\"}").json().get("data").get("token")
                    .asString();
            assertThat(new Api(server.baseUrl(), grant).get("/2/admin/grants").status()).as("a grant is never an admin").isEqualTo(403);
            assertThat(admin.get("/2/admin/grants").data().get(0).get("user_id").asString()).isEqualTo("9000");
        }
    }

    @Test
    void signInThroughTheIssuerUsesTheAuthorizationCodeWithPkce() throws Exception {
        chromium();
        RSAKey key = new RSAKeyGenerator(2048).keyID("console").generate();
        Map<String, String> challenges = new ConcurrentHashMap<>();
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String issuerUrl = "http://127.0.0.1:" + issuer.getAddress().getPort();
        issuer.createContext("/jwks.json", ex -> respond(ex, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
        // a user who is signed in at the issuer already and approves at once: back to the console with a code
        issuer.createContext("/authorize", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            seen.putAll(q);
            String code = UUID.randomUUID().toString();
            challenges.put(code, q.getOrDefault("code_challenge", ""));
            ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        issuer.createContext("/token", ex -> {
            ex.getResponseHeaders().add("Access-Control-Allow-Origin", ex.getRequestHeaders().getFirst("Origin"));
            Map<String, String> f = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String challenge = challenges.remove(f.getOrDefault("code", ""));
            if (challenge == null || !challenge.equals(s256(f.getOrDefault("code_verifier", ""))) || !"console".equals(f.get("client_id"))) {
                respond(ex, 400, "application/json", "{\"error\":\"invalid_grant\"}");
                return;
            }
            respond(ex, 200, "application/json", "{\"access_token\":\"" + jwt(key, issuerUrl) + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        });
        issuer.start();
        try (ServerProcess server = new ServerProcess(dir.resolve("data"), "--jwt-jwks-url", issuerUrl + "/jwks.json", "--jwt-issuer", issuerUrl,
                "--jwt-audience", "mediaup", "--console-authorize-url", issuerUrl + "/authorize", "--console-token-url", issuerUrl + "/token",
                "--console-client-id", "console").start()) {
            JsonNode r = run("oauth", server, Map.of("shots", SHOTS.resolve("oauth").toString()));
            assertClean(r);
            JsonNode oauth = step(r, "oauth");
            assertThat(oauth.get("jwt").asBoolean()).as("the tab holds the issuer's access token").isTrue();
            assertThat(oauth.get("user").asString()).isEqualTo("9801");
            assertThat(oauth.get("url").asString()).as("the code left the address bar").doesNotContain("code=").doesNotContain("state=");
            assertThat(seen).containsEntry("code_challenge_method", "S256").containsEntry("response_type", "code")
                    .containsEntry("redirect_uri", server.baseUrl() + "/console/").containsKey("state");
            assertThat(challenges).as("the code was exchanged once, with the verifier").isEmpty();
            String csp = new Api(server.baseUrl(), null).get("/console/").raw().headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).contains("connect-src 'self' " + issuerUrl).contains("script-src 'self';").contains("frame-ancestors 'none'");
        } finally {
            issuer.stop(0);
        }
    }

    // ---- helpers ----

    private static void chromium() throws Exception {
        ClientCompatIT.installCompat();
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))
                .as("Chromium is installed by bin/setup --test (.ci/run does this)").isExecutable();
    }

    private static JsonNode run(String mode, ServerProcess server, Map<String, String> args) throws Exception {
        String out = ClientCompatIT.run(ClientCompatIT.COMPAT, 400, "node", "console.mjs", mode, server.baseUrl(),
                Api.JSON.writeValueAsString(args));
        return Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(out)));
    }

    private static void assertClean(JsonNode r) {
        assertThat(r.has("failure")).as(r.toString()).isFalse();
        assertThat(r.get("errors")).as("console errors: " + r.get("errors")).isEmpty();
        r.get("axe").properties().forEach(p -> assertThat(p.getValue()).as("axe on " + p.getKey()).isEmpty());
    }

    private static JsonNode step(JsonNode r, String name) {
        for (JsonNode s : r.get("steps")) if (s.get("name").asString().equals(name)) return s;
        throw new AssertionError("no step " + name + " in " + r);
    }

    /** A playable MP4 of exactly {@code size} bytes: the clip, then a free box. */
    static byte[] padded(byte[] clip, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).put(clip);
        b.putInt(size - clip.length).put("free".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1),
                    StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwt(RSAKey key, String issuer) {
        try {
            var claims = new JWTClaimsSet.Builder().subject("9801").issuer(issuer).audience("mediaup")
                    .expirationTime(new Date(System.currentTimeMillis() + 300_000)).claim("scope", "media.write tweet.read users.read").build();
            SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            t.sign(new RSASSASigner(key));
            return t.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
