package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Store once, black-box: the same bytes uploaded again (by anyone) under the same recipe reuse what processing made the
 * first time — same blobs, no codec run — as media of their own; deleting either leaves the other whole, and the bytes
 * go when the last media using them goes. On the cluster backend the repeat goes to a second node of the same database
 * and bucket (the video, Repr-Digest and --keep-originals cases; the others' store rules are contract cases on both
 * backends).
 */
class RepeatsIT {
    /** What the cluster pass leaves to the embedded one: the rules these add are the store contract's, run on both. */
    private static final String ONCE = "store-sensitive only through MetadataStoresContract, which runs on PostgreSQL too";

    @TempDir
    Path dir;

    @Test
    void aVideoUploadedAgainByAnotherUserReusesTheRenditionsAndSharesNothingElse() throws Exception {
        byte[] clip = Fixtures.mp4(2, 320, 240);
        try (ServerProcess one = new ServerProcess(dir.resolve("one")).start();
             ServerProcess two = second(one)) {
            Api alice = new Api(one.baseUrl(), one.createToken("3001", "media.write media.read tweet.read"));
            Api bob = new Api(two.baseUrl(), two.createToken("3002", "media.write media.read tweet.read"));
            String first = upload(alice, clip, "video/mp4", "tweet_video");
            assertThat(alice.awaitProcessed(first, Duration.ofSeconds(120)).get("processing_info").get("state").asString())
                    .isEqualTo("succeeded");
            assertThat(alice.postJson("/2/media/metadata", "{\"id\":\"" + first + "\",\"metadata\":{\"alt_text\":{\"text\":\"alice's\"}}}")
                    .status()).isEqualTo(200);

            String again = upload(bob, clip, "video/mp4", "tweet_video");
            JsonNode done = bob.awaitProcessed(again, Duration.ofSeconds(60));
            assertThat(done.get("processing_info").get("state").asString()).isEqualTo("succeeded");
            assertThat(repeats(one, two, "video")).as("renditions reused, not made again").isEqualTo(1);
            JsonNode mine = lookup(bob, again), hers = lookup(alice, first);
            assertThat(mine.get("media_key").asString()).isEqualTo("7_" + again);
            assertThat(mine.has("alt_text")).as("nothing of the other media shows through: %s", mine).isFalse();
            assertThat(mine.get("duration_ms")).isEqualTo(hers.get("duration_ms"));
            assertThat(bodies(bob, mine)).as("the same renditions, served as bob's").isEqualTo(bodies(alice, hers));
            assertThat(Backend.blobs(one, "uploads/" + again)).as("the repeat stores no bytes of its own").isEmpty();
            assertThat(alice.get("/2/media/7_" + again).json().has("data")).as("alice cannot see bob's media").isFalse();

            // the same bytes under another recipe (amplify_video: other limits) are processed for themselves
            String other = upload(bob, clip, "video/mp4", "amplify_video");
            assertThat(bob.awaitProcessed(other, Duration.ofSeconds(120)).get("processing_info").get("state").asString())
                    .isEqualTo("succeeded");
            assertThat(repeats(one, two, "video")).isEqualTo(1);

            Map<String, String> before = bodies(bob, mine);
            assertThat(alice.send("DELETE", "/2/media/7_" + first, null, null).status()).isEqualTo(200);
            assertThat(bodies(bob, lookup(bob, again))).as("deleting the first leaves the repeat whole").isEqualTo(before);
            assertThat(Backend.blobs(one, "uploads/" + first)).as("what the repeat uses stays").isNotEmpty();
            assertThat(bob.send("DELETE", "/2/media/7_" + again, null, null).status()).isEqualTo(200);
            // the amplify_video one made some files byte for byte like the first's (a poster, playlists): those stayed
            assertThat(bodies(bob, lookup(bob, other))).isNotEmpty();
            assertThat(bob.send("DELETE", "/2/media/" + lookup(bob, other).get("media_key").asString(), null, null).status()).isEqualTo(200);
            assertThat(Backend.blobs(one, "uploads/" + first)).as("the last media using the bytes took them along").isEmpty();
            assertThat(Backend.blobs(one, "uploads/" + other)).isEmpty();
        }
    }

    @Test
    void aPictureUploadedAgainIsDoneAtFinalizeAndSurvivesTheFirstOnesDeletionAndGc() throws Exception {
        assumeFalse(Backend.CLUSTER, ONCE);
        byte[] png = Api.png(1600, 1200);
        try (ServerProcess one = new ServerProcess(dir.resolve("one")).start();
             ServerProcess two = second(one)) {
            Api alice = new Api(one.baseUrl(), one.createToken("3011", "media.write media.read tweet.read"));
            Api bob = new Api(two.baseUrl(), two.createToken("3012", "media.write media.read tweet.read"));
            String first = upload(alice, png, "image/png", "tweet_image");
            String again = upload(bob, png, "image/png", "tweet_image");
            assertThat(repeats(two, "image")).as("pictures are done at FINALIZE, on the node that took it").isEqualTo(1);
            JsonNode mine = lookup(bob, again), hers = lookup(alice, first);
            assertThat(mine.get("width").asInt()).isEqualTo(1600);
            assertThat(bodies(bob, mine)).isEqualTo(bodies(alice, hers));
            Map<String, String> before = bodies(bob, mine);

            // other bytes (a text chunk added), the same pixels: processed for themselves, but what they make is
            // byte for byte what the first made, and is kept once
            byte[] annotated = withTextChunk(png, "Comment", "the same picture, saved again");
            String third = upload(bob, annotated, "image/png", "tweet_image");
            assertThat(repeats(two, "image")).as("not the same bytes: not a repeat").isEqualTo(1);
            assertThat(bodies(bob, lookup(bob, third))).isEqualTo(before);
            assertThat(Backend.blobs(one, "uploads/" + third)).as("identical outputs are kept once").isEmpty();

            assertThat(alice.send("DELETE", "/2/media/3_" + first, null, null).status()).isEqualTo(200);
            two.close();
            one.close();
            assertThat(one.cli("gc", "--orphan-min-age-secs", "0")).isNotBlank(); // the orphan sweep asks by key
            one.start();
            if (two != one) two.start();
            assertThat(bodies(bob, lookup(bob, again))).as("the repeat whole after gc").isEqualTo(before);
        }
    }

    @Test
    void aDeclaredDigestIsProvedAtFinalizeAndBytesTheOwnerHoldsNeedNotBeSentAgain() throws Exception {
        byte[] png = Api.png(640, 480);
        String digest = "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(png)) + ":";
        try (ServerProcess one = new ServerProcess(dir.resolve("one")).start();
             ServerProcess two = second(one)) {
            Api alice = new Api(one.baseUrl(), one.createToken("3021", "media.write media.read tweet.read"));
            Api bob = new Api(two.baseUrl(), two.createToken("3022", "media.write media.read tweet.read"));
            Api.Res first = declared(alice, png.length, digest);
            assertThat(first.raw().headers().firstValue(HELD)).isEmpty();
            String id = first.data().get("id").asString();
            assertThat(alice.append(id, 0, png).status()).isEqualTo(200);
            assertThat(alice.finalizeUpload(id).status()).as("the bytes are the declared ones").isEqualTo(200);

            Api.Res again = declared(alice, png.length, digest);
            assertThat(again.raw().headers().firstValue(HELD)).as("alice holds those bytes").contains("?1");
            String without = again.data().get("id").asString();
            Api.Res done = alice.finalizeUpload(without);
            assertThat(done.status()).as("FINALIZE with no appends: %s", done).isEqualTo(200);
            assertThat(lookup(alice, without).get("width").asInt()).isEqualTo(640);
            assertThat(bodies(alice, lookup(alice, without))).isEqualTo(bodies(alice, lookup(alice, id)));
            assertThat(Backend.blobs(one, "uploads/" + without)).isEmpty();

            Api.Res bobs = declared(bob, png.length, digest);
            assertThat(bobs.raw().headers().firstValue(HELD)).as("bytes only another user holds are not told of").isEmpty();
            Api.Res refused = bob.finalizeUpload(bobs.data().get("id").asString());
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("no_segments");

            byte[] other = png.clone();
            other[other.length / 2] ^= 1;
            String mixed = declared(alice, png.length, digest).data().get("id").asString();
            assertThat(alice.append(mixed, 0, other).status()).isEqualTo(200);
            Api.Res mismatch = alice.finalizeUpload(mixed);
            assertThat(mismatch.status()).isEqualTo(400);
            assertThat(mismatch.code()).isEqualTo("digest_mismatch");
            assertThat(alice.status(mixed).data().has("processing_info")).as("nothing processed").isFalse();
            assertThat(alice.append(mixed, 0, png).status()).as("still open: the right bytes re-sent").isEqualTo(200);
            assertThat(alice.finalizeUpload(mixed).status()).isEqualTo(200);
        }
    }

    @Test
    void withKeepOriginalsARepeatSharesTheOriginalHoweverItWasUploaded() throws Exception {
        byte[] clip = Fixtures.mp4(2, 320, 240), png = Api.png(900, 700);
        try (ServerProcess one = new ServerProcess(dir.resolve("one"), "--keep-originals").start();
             ServerProcess two = second(one, "--keep-originals")) {
            Api alice = new Api(one.baseUrl(), one.createToken("3041", "media.write media.read tweet.read"));
            Api bob = new Api(two.baseUrl(), two.createToken("3042", "media.write media.read tweet.read"));
            String first = upload(alice, clip, "video/mp4", "tweet_video");
            alice.awaitProcessed(first, Duration.ofSeconds(120));
            String again = upload(bob, clip, "video/mp4", "tweet_video");
            assertThat(bob.awaitProcessed(again, Duration.ofSeconds(60)).get("processing_info").get("state").asString()).isEqualTo("succeeded");
            assertThat(ProtocolIT.sha256(bob.get("/media/7_" + again + "/original").body())).as("bob's original, byte for byte")
                    .isEqualTo(ProtocolIT.sha256(clip));
            assertThat(Backend.blobs(one, "uploads/" + again)).as("one segment: the original is shared too").isEmpty();
            assertThat(alice.send("DELETE", "/2/media/7_" + first, null, null).status()).isEqualTo(200);
            assertThat(ProtocolIT.sha256(bob.get("/media/7_" + again + "/original").body())).as("after the first is deleted")
                    .isEqualTo(ProtocolIT.sha256(clip));
            assertThat(bob.send("DELETE", "/2/media/7_" + again, null, null).status()).isEqualTo(200);
            assertThat(Backend.blobs(one, "uploads/" + first)).isEmpty();

            // in three segments: one assembled blob on S3, the three segments themselves on files — shared either way
            String a = alice.initialize("image/png", "tweet_image", png.length);
            byte[][] parts = CrashMatrixIT.split(png, 3);
            for (int i = 0; i < 3; i++) assertThat(alice.append(a, i, parts[i]).status()).isEqualTo(200);
            assertThat(alice.finalizeUpload(a).status()).isEqualTo(200);
            String b = bob.initialize("image/png", "tweet_image", png.length);
            byte[][] halves = CrashMatrixIT.split(png, 2);
            for (int i = 0; i < 2; i++) assertThat(bob.append(b, i, halves[i]).status()).isEqualTo(200);
            assertThat(bob.finalizeUpload(b).status()).isEqualTo(200);
            assertThat(repeats(one, two, "image")).isEqualTo(1);
            assertThat(Backend.blobs(one, "uploads/" + b)).as("nothing of bob's upload is kept: alice's bytes are his original")
                    .isEmpty();
            JsonNode listed = bob.send("GET", "/2/media/upload/" + b + "/segments", null, null).data().get("segments");
            assertThat(listed.size()).as("bob's segments listing is what he sent").isEqualTo(2);
            // his appends were not hashed as they streamed and his bytes are gone: processing worked the digests out first
            for (int i = 0; i < 2; i++)
                assertThat(listed.get(i).get("sha256").asString()).as("segment " + i).isEqualTo(ProtocolIT.sha256(halves[i]));
            String digest = "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(png)) + ":";
            String held = declared(bob, png.length, digest).data().get("id").asString();
            assertThat(bob.finalizeUpload(held).status()).as("bytes bob holds, not sent again").isEqualTo(200);
            assertThat(alice.send("DELETE", "/2/media/3_" + a, null, null).status()).isEqualTo(200);
            assertThat(Backend.blobs(one, "uploads/" + a)).as("still bob's originals").isNotEmpty();
            for (String mine : List.of(b, held))
                assertThat(ProtocolIT.sha256(bob.get("/media/3_" + mine + "/original").body())).as("after alice's is deleted")
                        .isEqualTo(ProtocolIT.sha256(png));
            assertThat(one.cli("gc", "--orphan-min-age-secs", "0")).isNotBlank();
            assertThat(ProtocolIT.sha256(bob.get("/media/3_" + b + "/original").body())).as("after gc")
                    .isEqualTo(ProtocolIT.sha256(png));
            for (String mine : List.of(b, held)) assertThat(bob.send("DELETE", "/2/media/3_" + mine, null, null).status()).isEqualTo(200);
            assertThat(Backend.blobs(one, "uploads/" + a)).as("the last one gone: its bytes too").isEmpty();
        }
    }

    @Test
    void storeOnceOwnerReusesOnlyTheSameUsersMedia() throws Exception {
        assumeFalse(Backend.CLUSTER, ONCE);
        byte[] png = Api.png(800, 600);
        try (ServerProcess server = new ServerProcess(dir.resolve("owner"), "--store-once", "owner").start()) {
            Api alice = new Api(server.baseUrl(), server.createToken("3031", "media.write media.read tweet.read"));
            Api bob = new Api(server.baseUrl(), server.createToken("3032", "media.write media.read tweet.read"));
            upload(alice, png, "image/png", "tweet_image");
            upload(bob, png, "image/png", "tweet_image");
            assertThat(repeats(server, "image")).as("another user's bytes are processed for him").isZero();
            upload(alice, png, "image/png", "tweet_image");
            assertThat(repeats(server, "image")).as("her own bytes again").isEqualTo(1);
        }
    }

    private static final String HELD = "Mediaup-Content-Held";

    /** The PNG with a tEXt chunk after its header: other bytes, the same picture. */
    static byte[] withTextChunk(byte[] png, String key, String text) {
        byte[] data = (key + "\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + data.length).putInt(data.length).put("tEXt".getBytes(
                StandardCharsets.US_ASCII)).put(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        int afterHeader = 8 + 25; // the signature, then IHDR (13 bytes of data and 12 of length, type and CRC)
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterHeader);
        System.arraycopy(chunk.array(), 0, out, afterHeader, chunk.capacity());
        System.arraycopy(png, afterHeader, out, afterHeader + chunk.capacity(), png.length - afterHeader);
        return out;
    }

    static Api.Res declared(Api api, long total, String reprDigest) {
        return api.send("POST", "/2/media/upload/initialize", "application/json", ("{\"media_type\":\"image/png\",\"total_bytes\":"
                + total + "}").getBytes(StandardCharsets.UTF_8), "Repr-Digest", reprDigest);
    }

    /** A second node on the cluster backend (the same database and bucket); on the embedded one, the same server. */
    private ServerProcess second(ServerProcess one, String... args) throws Exception {
        if (!Backend.CLUSTER) return one;
        return new ServerProcess(dir.resolve("two"), args).withEnv(Backend.env(one.dataDir)).start();
    }

    static String upload(Api api, byte[] bytes, String type, String category) {
        String id = api.initialize(type, category, bytes.length);
        assertThat(api.append(id, 0, bytes).status()).isEqualTo(200);
        assertThat(api.finalizeUpload(id).status()).isEqualTo(200);
        return id;
    }

    static JsonNode lookup(Api api, String id) {
        String key = api.status(id).data().get("media_key").asString();
        return api.get("/2/media/" + key + "?media.fields=width,height,duration_ms,alt_text").data();
    }

    /**
     * The SHA-256 of every file delivery serves of the media (each size, rendition, poster, HLS segment), by name:
     * the extension listing of all of them. Playlists are left out: delivery writes their URIs for the media asked for.
     */
    static Map<String, String> bodies(Api api, JsonNode media) throws Exception {
        JsonNode files = api.get("/2/media/" + media.get("media_key").asString() + "/variants").data().get("variants");
        Map<String, String> out = new TreeMap<>();
        for (JsonNode f : files) {
            // playlists and the storyboard's track are written per request, with this media's own signed URLs
            if (f.get("content_type").asString().equals("application/x-mpegURL") || f.get("name").asString().equals("storyboard.vtt"))
                continue;
            String url = f.get("url").asString();
            Api.Res r = api.as(null).get(url.substring(url.indexOf("/media/")));
            assertThat(r.status()).as(url).isEqualTo(200);
            out.put(f.get("name").asString(), ProtocolIT.sha256(r.body()));
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** Repeats counted by either node (the one whose worker took the job), each server once. */
    static double repeats(ServerProcess one, ServerProcess two, String family) {
        return repeats(one, family) + (two == one ? 0 : repeats(two, family));
    }

    static double repeats(ServerProcess server, String family) {
        return server.counter("mediaup_processing_repeats_total", "family=\"" + family + "\"");
    }

}
