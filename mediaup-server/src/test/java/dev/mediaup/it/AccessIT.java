package dev.mediaup.it;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.mediaup.auth.OAuth1Headers;
import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way in — opaque bearer, app-only bearer, OAuth 1.0a, JWT — and who may see what once inside. */
class AccessIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static HttpServer jwks;
    static RSAKey key, foreignKey;
    static Api api;
    static final String ISSUER = "https://id.example.test", AUDIENCE = "mediaup";

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        foreignKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] set = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, set.length);
            ex.getResponseBody().write(set);
            ex.close();
        });
        jwks.start();
        server = new ServerProcess(dir.resolve("data"), "--jwt-jwks-url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                "--jwt-issuer", ISSUER, "--jwt-audience", AUDIENCE).start();
        api = new Api(server.baseUrl(), server.createToken("100", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
    }

    static String initBody = "{\"media_type\":\"image/png\"}";

    // ---- opaque tokens ----

    @Test
    void opaqueTokensAreRevokedByTheCli() throws Exception {
        // (expiry, a rule of time, is TimeRulesTest's: the server's clock run forward instead of a wait)
        String doomed = server.cli("token", "create", "--user", "102").trim();
        var listed = Api.JSON.readTree(server.cli("token", "list"));
        String id = null;
        for (var t : listed) if ("102".equals(t.get("userId").asString())) id = t.get("tokenId").asString();
        assertThat(id).isNotNull();
        server.cli("token", "revoke", id);
        Res r = api.as(doomed).postJson("/2/media/upload/initialize", initBody);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("title").asString()).isEqualTo("Unauthorized");
        assertThat(server.cli("token", "list")).doesNotContain(doomed); // secrets are never listed
    }

    @Test
    void appOnlyTokensMayNotUpload() throws Exception {
        String bearer = server.oauth1("103").get("bearer_token");
        Res r = api.as(bearer).postJson("/2/media/upload/initialize", initBody);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("app_only");
        assertThat(r.json().get("type").asString()).isEqualTo("about:blank");
        String id = api.initialize("image/png", null, 10);
        assertThat(api.as(bearer).status(id).status()).isEqualTo(403);
    }

    // ---- OAuth 1.0a ----

    @Test
    void oauth1SignaturesTimestampsNoncesAndRevocation() throws Exception {
        var c = server.oauth1("104");
        String path = "/2/media/upload/initialize";
        String nonce = UUID.randomUUID().toString();
        long now = System.currentTimeMillis() / 1000;
        assertThat(oauthInit(c, path, nonce, now, null, Map.of()).status()).isEqualTo(200);
        assertThat(oauthInit(c, path, nonce, now, null, Map.of()).code()).isEqualTo("oauth_replay");
        server.kill9(); // at once: an answered request's nonce is durable before the answer
        server.start();
        assertThat(oauthInit(c, path, nonce, now, null, Map.of()).code()).as("still a replay after a crash")
                .isEqualTo("oauth_replay");
        assertThat(oauthInit(c, path, UUID.randomUUID().toString(), now - 3600, null, Map.of()).code()).isEqualTo("oauth_stale");
        Res forged = oauthInit(c, path, UUID.randomUUID().toString(), now, "c2lnbmF0dXJl", Map.of());
        assertThat(forged.status()).isEqualTo(401);
        // query parameters are signed: the command form with INIT in the query, HMAC-SHA256
        Res q = oauthInit(c, "/2/media/upload?command=INIT&media_type=image%2Fpng&total_bytes=10", UUID.randomUUID().toString(), now, null,
                Map.of("oauth_signature_method", "HMAC-SHA256"));
        assertThat(q.status()).as(q.toString()).isEqualTo(200);
        // a tampered query no longer matches its signature
        var headers = OAuth1Headers.header(c, "POST", server.baseUrl() + "/2/media/upload", List.of(new String[]{"command", "INIT"},
                new String[]{"media_type", "image/png"}), UUID.randomUUID().toString(), now, null, Map.of());
        assertThat(api.as(null).send("POST", "/2/media/upload?command=INIT&media_type=image%2Fgif", null, null, "Authorization", headers).status())
                .isEqualTo(401);
        // revocation by the CLI reaches the server: at once for a token not yet seen (one in use within the 10 s of its
        // verification cache: OAuth1Test, on the injected clock, rather than a 10-second wait here)
        var unused = server.oauth1("104");
        server.cli("token", "revoke", unused.get("oauth_token"));
        assertThat(oauthInit(unused, path, UUID.randomUUID().toString(), now, null, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void oauth1SignsFormBodies() throws Exception {
        var c = server.oauth1("105");
        List<String[]> form = List.of(new String[]{"command", "INIT"}, new String[]{"media_type", "image/png"}, new String[]{"total_bytes", "10"});
        String auth = OAuth1Headers.header(c, "POST", server.baseUrl() + "/2/media/upload", form, UUID.randomUUID().toString(),
                System.currentTimeMillis() / 1000, null, Map.of());
        Res r = api.as(null).send("POST", "/2/media/upload", "application/x-www-form-urlencoded",
                "command=INIT&media_type=image%2Fpng&total_bytes=10".getBytes(), "Authorization", auth);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Res tampered = api.as(null).send("POST", "/2/media/upload", "application/x-www-form-urlencoded",
                "command=INIT&media_type=image%2Fpng&total_bytes=11".getBytes(), "Authorization", auth.replace(c.get("oauth_token"), c.get("oauth_token")));
        assertThat(tampered.status()).isEqualTo(401);
    }

    private static Res oauthInit(Map<String, String> c, String pathAndQuery, String nonce, long ts, String forcedSignature, Map<String, String> extra) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        List<String[]> query = new ArrayList<>();
        if (pathAndQuery.contains("?"))
            for (String kv : pathAndQuery.substring(pathAndQuery.indexOf('?') + 1).split("&")) {
                String[] p = kv.split("=", 2);
                query.add(new String[]{java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8), java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8)});
            }
        String auth = OAuth1Headers.header(c, "POST", server.baseUrl() + path, query, nonce, ts, forcedSignature, extra);
        byte[] body = pathAndQuery.contains("?") ? null : initBody.getBytes();
        return api.as(null).send("POST", pathAndQuery, body == null ? null : "application/json", body, "Authorization", auth);
    }

    // ---- JWT ----

    static String jwt(RSAKey signer, String sub, String iss, String aud, long expSecsFromNow, Object scope, String scopeClaim) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject(sub).issuer(iss).audience(aud)
                .expirationTime(new Date(System.currentTimeMillis() + expSecsFromNow * 1000)).claim(scopeClaim, scope).build();
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(), claims);
        t.sign(new RSASSASigner(signer));
        return t.serialize();
    }

    @Test
    void jwtAccessTokens() throws Exception {
        Res ok = api.as(jwt(key, "106", ISSUER, AUDIENCE, 300, "media.write tweet.read", "scope")).postJson("/2/media/upload/initialize", initBody);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(api.as(jwt(key, "106", ISSUER, AUDIENCE, 300, List.of("media.write"), "scp")).postJson("/2/media/upload/initialize", initBody)
                .status()).isEqualTo(200);
        for (String bad : List.of(
                jwt(key, "106", ISSUER, AUDIENCE, -120, "media.write", "scope"),          // expired
                jwt(key, "106", ISSUER, "someone-else", 300, "media.write", "scope"),     // wrong audience
                jwt(key, "106", "https://evil.test", AUDIENCE, 300, "media.write", "scope"), // wrong issuer
                jwt(foreignKey, "106", ISSUER, AUDIENCE, 300, "media.write", "scope"),    // not signed by the JWKS key
                jwt(key, "", ISSUER, AUDIENCE, 300, "media.write", "scope"),              // an empty sub: no user at all
                jwt(key, "  ", ISSUER, AUDIENCE, 300, "media.write", "scope"))) {         // nor is a blank one
            Res r = api.as(bad).postJson("/2/media/upload/initialize", initBody);
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
        }
        Res noScope = api.as(jwt(key, "106", ISSUER, AUDIENCE, 300, "tweet.read", "scope")).postJson("/2/media/upload/initialize", initBody);
        assertThat(noScope.status()).isEqualTo(403);
        // the JWT's subject is the owner: the same user through an opaque token sees the upload
        String id = ok.data().get("id").asString();
        assertThat(api.as(server.createToken("106", "media.write")).get("/2/media/upload/" + id + "/segments").status()).isEqualTo(200);
    }

    // ---- who sees what ----

    @Test
    void ownershipMatrix() throws Exception {
        Api owner = api.as(server.createToken("200", "media.write"));
        Api coOwner = api.as(server.createToken("201", "media.write"));
        Api stranger = api.as(server.createToken("202", "media.write"));
        byte[] png = Api.png(8, 8);
        Res priv = owner.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":" + png.length + ",\"additional_owners\":[\"201\"]}");
        Res shared = owner.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"total_bytes\":" + png.length + ",\"shared\":true}");
        String p = priv.data().get("id").asString(), s = shared.data().get("id").asString();

        // while uploading: only the owner may append or list segments
        for (Api other : List.of(coOwner, stranger)) {
            assertThat(other.append(p, 0, png).status()).isEqualTo(404);
            assertThat(other.append(s, 0, png).status()).isEqualTo(404);
            assertThat(other.get("/2/media/upload/" + p + "/segments").status()).isEqualTo(404);
            assertThat(other.finalizeUpload(p).status()).isEqualTo(404);
        }
        assertThat(owner.append(p, 0, png).status()).isEqualTo(200);
        assertThat(owner.append(s, 0, png).status()).isEqualTo(200);
        assertThat(owner.finalizeUpload(p).status()).isEqualTo(200);
        assertThat(owner.finalizeUpload(s).status()).isEqualTo(200);

        // STATUS: owner and additional owner for private media; anyone authenticated for shared media
        assertThat(owner.status(p).status()).isEqualTo(200);
        assertThat(coOwner.status(p).status()).isEqualTo(200);
        assertThat(stranger.status(p).status()).isEqualTo(404);
        assertThat(stranger.status(s).status()).isEqualTo(200);
        assertThat(coOwner.finalizeUpload(p).status()).isEqualTo(404);
        // a stranger's 404 for existing media is the same answer as for media that never existed
        Res real = stranger.status(p), none = stranger.status("1000000000000000001");
        assertThat(real.json().get("title").asString()).isEqualTo(none.json().get("title").asString());
        assertThat(real.json().get("type").asString()).isEqualTo(none.json().get("type").asString());
    }

    /** One rule for user ids wherever they enter: the admin API refuses what the CLI and additional_owners refuse. */
    @Test
    void userIdsAreCanonicalDigitsEverywhere() throws Exception {
        Api admin = new Api(server.baseUrl(), server.createToken("9000", "media.write tweet.read mediaup.admin"));
        for (String bad : List.of("abc", "../111", "0111", "0", "", "12345678901234567890", "1 1"))
            assertThat(admin.postJson("/2/admin/tokens", "{\"user_id\":\"" + bad + "\"}").status()).as(bad).isEqualTo(400);
        Res made = admin.postJson("/2/admin/tokens", "{\"user_id\":\"111\"}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(api.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\",\"additional_owners\":[\"0111\"]}")
                .status()).isEqualTo(400);
        ServerProcess.Ran cli = server.cliStatus("token", "create", "--user", "0111");
        assertThat(cli.exit()).as(cli.output()).isNotZero();
        assertThat(cli.output()).contains("without a leading zero");
    }
}
