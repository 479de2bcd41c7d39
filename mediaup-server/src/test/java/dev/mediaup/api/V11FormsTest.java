package dev.mediaup.api;

import dev.mediaup.it.Api;
import dev.mediaup.it.InProcessServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** v1.1's base64 media_data as old clients really send it: wrapped in lines, or with its '+' unescaped in a form. */
class V11FormsTest {
    @TempDir
    static Path dir;
    static InProcessServer server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(dir.resolve("data"));
        api = new Api(server.baseUrl(), server.createToken("5100", "media.write tweet.read"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wrappedLinesAndUnescapedPlusSignsDecodeToTheSentBytes() throws Exception {
        byte[] bytes = new byte[3000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7 + 0xFB); // many '+' and '/' in its base64
        String b64 = Base64.getEncoder().encodeToString(bytes);
        assertThat(b64).contains("+");
        String id = api.initialize("video/mp4", "tweet_video", 2L * bytes.length);
        String wrapped = Base64.getMimeEncoder().encodeToString(bytes).replace("+", "%2B").replace("/", "%2F").replace("\r\n", "%0D%0A");
        String unescapedPlus = b64.replace("/", "%2F").replace("=", "%3D"); // '+' left raw: the form decoder makes it a space
        for (String[] seg : new String[][]{{"0", wrapped}, {"1", unescapedPlus}})
            assertThat(api.postForm("/1.1/media/upload.json", "command=APPEND&media_id=" + id + "&segment_index=" + seg[0]
                    + "&media_data=" + seg[1]).status()).isEqualTo(204);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        var segments = api.get("/2/media/upload/" + id + "/segments").data().get("segments");
        assertThat(segments).hasSize(2);
        for (var s : segments) assertThat(s.get("sha256").asString()).isEqualTo(sha);
    }
}
