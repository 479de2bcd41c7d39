package dev.mediaup.auth;

import dev.mediaup.core.Problem;
import dev.mediaup.core.ProblemCode;
import dev.mediaup.store.AccessStore;
import dev.mediaup.store.MetadataStores;
import dev.mediaup.store.sql.SqlDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signature base string and HMAC against published vectors: RFC 5849 itself and X's own documentation. */
class OAuth1Test {

    @Test
    void rfc5849Section3411BaseString() {
        // POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b, body c2&a3=2+q (RFC 5849 3.4.1.1)
        List<String[]> params = new ArrayList<>(List.of(
                new String[]{"b5", "=%3D"}, new String[]{"a3", "a"}, new String[]{"c@", ""}, new String[]{"a2", "r b"},
                new String[]{"c2", ""}, new String[]{"a3", "2 q"},
                new String[]{"oauth_consumer_key", "9djdj82h48djs9d2"}, new String[]{"oauth_token", "kkk9d7dh3k39sjv7"},
                new String[]{"oauth_signature_method", "HMAC-SHA1"}, new String[]{"oauth_timestamp", "137131201"},
                new String[]{"oauth_nonce", "7d8f3e4a"}));
        assertThat(OAuth1.baseString("POST", "http://example.com/request", params)).isEqualTo(
                "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D"
                        + "%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1"
                        + "%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7");
    }

    @Test
    void rfc5849Section12PhotosSignature() {
        List<String[]> params = List.of(new String[]{"file", "vacation.jpg"}, new String[]{"size", "original"},
                new String[]{"oauth_consumer_key", "dpf43f3p2l4k3l03"}, new String[]{"oauth_token", "nnch734d00sl2jdk"},
                new String[]{"oauth_signature_method", "HMAC-SHA1"}, new String[]{"oauth_timestamp", "137131202"},
                new String[]{"oauth_nonce", "chapoH"});
        String base = OAuth1.baseString("GET", "http://photos.example.net/photos", params);
        byte[] sig = OAuth1.sign("HmacSHA1", "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", base);
        assertThat(Base64.getEncoder().encodeToString(sig)).isEqualTo("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    }

    @Test
    void xDocumentationSignature() {
        // "Creating a signature", X developer documentation
        List<String[]> params = List.of(new String[]{"include_entities", "true"},
                new String[]{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"},
                new String[]{"oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"}, new String[]{"oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
                new String[]{"oauth_signature_method", "HMAC-SHA1"}, new String[]{"oauth_timestamp", "1318622958"},
                new String[]{"oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"}, new String[]{"oauth_version", "1.0"});
        String base = OAuth1.baseString("POST", "https://api.twitter.com/1.1/statuses/update.json", params);
        byte[] sig = OAuth1.sign("HmacSHA1", "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE", base);
        assertThat(Base64.getEncoder().encodeToString(sig)).isEqualTo("hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    }

    @Test
    void percentEncodingIsRfc3986() {
        assertThat(OAuth1.encode("Ladies + Gentlemen")).isEqualTo("Ladies%20%2B%20Gentlemen");
        assertThat(OAuth1.encode("An encoded string!")).isEqualTo("An%20encoded%20string%21");
        assertThat(OAuth1.encode("Dogs, Cats & Mice")).isEqualTo("Dogs%2C%20Cats%20%26%20Mice");
        assertThat(OAuth1.encode("☃")).isEqualTo("%E2%98%83");
        assertThat(OAuth1.encode("-._~")).isEqualTo("-._~");
    }

    @Test
    void aRepeatedHeaderParameterIsRefused() {
        assertThatThrownBy(() -> OAuth1.parseHeader("oauth_token=\"forged\", oauth_consumer_key=\"k\", oauth_token=\"real\""))
                .isInstanceOfSatisfying(Problem.class, p -> {
                    assertThat(p.kind).isEqualTo(Problem.Kind.UNAUTHORIZED);
                    assertThat(p.code).isEqualTo(ProblemCode.OAUTH_MALFORMED);
                    assertThat(p.detail()).contains("repeats oauth_token");
                });
        assertThat(OAuth1.parseHeader("oauth_token=\"a%20b\", realm=\"x\"")).containsEntry("oauth_token", "a b");
    }

    @TempDir
    Path dir;

    @Test
    void aRevokedTokenIsRefusedOnceItsTenSecondsInTheCacheAreOver() {
        var now = new AtomicLong(1_800_000_000L);
        try (MetadataStores stores = SqlDatabase.sqlite(dir.resolve("m.db")).stores()) {
            stores.access().createApp(new AccessStore.App("ck", "cs", "app", false), now.get());
            stores.access().createOAuth1Token(new AccessStore.OAuth1Token("tk", "ts", "ck", "104", List.of("media.write"), false), now.get());
            stores.access().createOAuth1Token(new AccessStore.OAuth1Token("unseen", "us", "ck", "105", List.of("media.write"), false),
                    now.get());
            var oauth = new OAuth1(stores.access(), stores.nonces(), now::get, Duration.ofSeconds(300));
            assertThat(oauth.verify(signed("tk", "ts", now.get()))).hasValueSatisfying(p -> assertThat(p.userId()).isEqualTo("104"));
            stores.access().revokeToken("tk");
            stores.access().revokeToken("unseen");
            assertThatThrownBy(() -> oauth.verify(signed("unseen", "us", now.get()))).as("a token not yet seen: at once")
                    .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code).isEqualTo(ProblemCode.OAUTH_SIGNATURE));
            now.addAndGet(9);
            assertThat(oauth.verify(signed("tk", "ts", now.get()))).as("one in use: still cached").isPresent();
            now.addAndGet(2);
            assertThatThrownBy(() -> oauth.verify(signed("tk", "ts", now.get()))).as("one in use: within 10 s")
                    .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code).isEqualTo(ProblemCode.OAUTH_SIGNATURE));
        }
    }

    /** A request signed by app ck/cs and the given token, with a fresh nonce. */
    private static TokenVerifier.Request signed(String token, String tokenSecret, long timestamp) {
        String url = "http://h/2/media/upload/initialize";
        var credentials = Map.of("consumer_key", "ck", "consumer_secret", "cs", "oauth_token", token, "oauth_token_secret", tokenSecret);
        String header = OAuth1Headers.header(credentials, "POST", url, List.of(), UUID.randomUUID().toString(), timestamp, null, Map.of());
        return new TokenVerifier.Request(header, "POST", url, Map.of(), Map.of());
    }

    @Test
    void protocolParametersOutsideTheHeaderAreRefused() {
        try (MetadataStores stores = SqlDatabase.sqlite(dir.resolve("m.db")).stores()) {
            var oauth = new OAuth1(stores.access(), stores.nonces(), () -> 1_800_000_000L, Duration.ofSeconds(300));
            String header = "OAuth oauth_consumer_key=\"k\", oauth_token=\"t\", oauth_signature_method=\"HMAC-SHA1\", "
                    + "oauth_timestamp=\"1800000000\", oauth_nonce=\"n\", oauth_signature=\"c2ln\"";
            for (var request : List.of(
                    new TokenVerifier.Request(header, "POST", "http://h/2/media/upload", Map.of("oauth_token", List.of("forged")), Map.of()),
                    new TokenVerifier.Request(header, "POST", "http://h/2/media/upload", Map.of(), Map.of("oauth_nonce", List.of("n2")))))
                assertThatThrownBy(() -> oauth.verify(request)).isInstanceOfSatisfying(Problem.class,
                        p -> assertThat(p.code).isEqualTo(ProblemCode.OAUTH_MALFORMED));
        }
    }
}
