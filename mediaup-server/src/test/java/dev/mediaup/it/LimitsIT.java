package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Nobody can exhaust the service: per-caller rate limits with X's headers on every response, and byte quotas. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the beacon test runs last: it spends the address's unauthenticated bucket
class LimitsIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data"), "--rate-limits", "upload=20/600,status=3/600,anonymous=2/600",
                "--daily-quota-bytes", "3000", "--stored-quota-bytes", "2000").start();
        api = new Api(server.baseUrl(), server.createToken("300", "media.write"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static long header(Res r, String name) {
        return Long.parseLong(r.raw().headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " on " + r)));
    }

    @Test
    void everyResponseCarriesRateLimitHeadersAndABurstGets429() throws Exception {
        Api me = api.as(server.createToken("301", "media.write"));
        List<Res> burst = new ArrayList<>();
        for (int i = 0; i < 22; i++) burst.add(me.postJson("/2/media/upload/initialize", i == 3 ? "{bad json" : "{\"media_type\":\"image/png\"}"));
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 22; i++) {
            Res r = burst.get(i);
            assertThat(header(r, "x-rate-limit-limit")).isEqualTo(20);
            assertThat(header(r, "x-rate-limit-remaining")).isEqualTo(Math.max(0, 19 - i));
            assertThat(header(r, "x-rate-limit-reset")).isBetween(now, now + 601);
            assertThat(r.status()).isEqualTo(i >= 20 ? 429 : i == 3 ? 400 : 200);
        }
        Res limited = burst.get(21);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.json().get("title").asString()).isEqualTo("Too Many Requests");
        assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
        // families and callers are counted apart: STATUS still works, another user still uploads
        assertThat(header(me.status("1000000000000000001"), "x-rate-limit-limit")).isEqualTo(3);
        assertThat(api.as(server.createToken("302", "media.write")).postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}").status())
                .isEqualTo(200);
        // unauthenticated callers are limited by address, and get the headers too
        Res anon1 = api.as(null).status("1"), anon2 = api.as(null).status("1"), anon3 = api.as(null).status("1");
        assertThat(anon1.status()).isEqualTo(401);
        assertThat(header(anon1, "x-rate-limit-limit")).isEqualTo(2);
        assertThat(anon3.status()).isEqualTo(429);
    }

    @Test
    void byteQuotasAtTheBoundary() throws Exception {
        Api me = api.as(server.createToken("303", "media.write"));
        // declared total_bytes beyond what is left is refused at initialize
        Res tooBig = me.postJson("/2/media/upload/initialize", "{\"media_type\":\"video/mp4\",\"media_category\":\"tweet_video\",\"total_bytes\":2001}");
        assertThat(tooBig.status()).isEqualTo(429);
        assertThat(tooBig.json().get("type").asString()).endsWith("/usage-capped");
        assertThat(tooBig.code()).isEqualTo("stored_quota");
        assertThat(tooBig.json().get("detail").asString()).contains("2000");

        String id = me.initialize("video/mp4", "tweet_video", 2000);
        assertThat(me.append(id, 0, new byte[1000]).status()).isEqualTo(200);
        assertThat(me.append(id, 1, new byte[1000]).status()).isEqualTo(200); // exactly the stored quota
        String id2 = me.postJson("/2/media/upload/initialize", "{\"media_type\":\"video/mp4\",\"media_category\":\"tweet_video\"}").data().get("id").asString();
        Res stored = me.append(id2, 0, new byte[1]);
        assertThat(stored.status()).isEqualTo(429);
        assertThat(stored.json().get("period").asString()).isEqualTo("Total");
        // re-sending a segment stores nothing new but is uploaded again: 3000 bytes today is the daily limit
        assertThat(me.append(id, 1, new byte[1000]).status()).isEqualTo(200);
        Res daily = me.append(id, 1, new byte[1000]);
        assertThat(daily.status()).isEqualTo(429);
        assertThat(daily.json().get("period").asString()).isEqualTo("Daily");
        assertThat(daily.code()).isEqualTo("daily_quota");
        assertThat(daily.json().get("detail").asString()).contains("3000");

        JsonNode usage = Api.JSON.readTree(server.cli("user", "show", "--user", "303"));
        assertThat(usage.get("stored_bytes").asLong()).isEqualTo(2000);
        assertThat(usage.get("uploaded_bytes_today").asLong()).isEqualTo(3000);
        assertThat(me.finalizeUpload(id).data().get("size").asLong()).isEqualTo(2000);
    }

    /** The playback beacon counts against the caller's bucket like any call: by address without credentials. */
    @Test
    @Order(Integer.MAX_VALUE)
    void playbackBeaconsAreRateLimitedWithHeaders() throws Exception {
        Api owner = api.as(server.createToken("304", "media.write tweet.read"));
        byte[] png = Api.png(32, 24);
        String id = owner.initialize("image/png", "tweet_image", png.length);
        owner.append(id, 0, png);
        String key = owner.finalizeUpload(id).data().get("media_key").asString();
        String url = owner.get("/2/media/" + key + "?media.fields=url").data().get("url").asString();
        String events = url.substring(server.baseUrl().length()).replace("?", "/events?");
        Api anon = api.as(null);
        List<Res> beacons = new ArrayList<>();
        for (int i = 0; i < 4; i++) beacons.add(anon.postJson(events, "{\"event\":\"playback_start\"}"));
        for (Res r : beacons) assertThat(header(r, "x-rate-limit-limit")).as(r.toString()).isEqualTo(2);
        assertThat(beacons.getLast().status()).as("the address's unauthenticated bucket holds 2 per window").isEqualTo(429);
        // with credentials, the caller's own read bucket counts them instead
        Res withToken = owner.postJson(events, "{\"event\":\"playback_start\"}");
        assertThat(withToken.status()).isEqualTo(200);
        assertThat(header(withToken, "x-rate-limit-limit")).isEqualTo(100_000);
    }
}
