package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input through a real server process, one row per dialect: the error each dialect renders, its stable code in
 * the body and the header, and nothing changed. The table of ~100 bad requests runs in-process (BadInputTest).
 */
class BadInputIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static String done, doneKey;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(dir.resolve("data")).start();
        api = new Api(server.baseUrl(), server.createToken("5005", "media.write tweet.read"));
        byte[] png = Api.png(10, 10);
        done = api.initialize("image/png", null, png.length);
        api.append(done, 0, png);
        doneKey = api.finalizeUpload(done).data().get("media_key").asString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void xV2AnswersAProblem() throws Exception {
        String before = snapshot();
        Res r = api.postJson("/2/media/upload/initialize", "{\"media_type\":");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.code()).isEqualTo("not_json");
        assertThat(r.raw().headers().firstValue("Mediaup-Error-Code")).contains("not_json");
        Api.assertMatchesSchema(r.json(), "Problem");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void v11AnswersItsErrorsWithCodes() throws Exception {
        String before = snapshot();
        Res r = api.send("POST", "/1.1/media/upload.json", "application/x-www-form-urlencoded",
                "command=BOGUS".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(400);
        var e = r.json().get("errors").get(0);
        assertThat(e.get("code").asInt()).isEqualTo(324);
        assertThat(e.get("error_code").asString()).isEqualTo("not_one_of");
        assertThat(r.raw().headers().firstValue("Mediaup-Error-Code")).contains("not_one_of");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void tusRefusesAnotherVersion() throws Exception {
        String before = snapshot();
        Res r = api.send("POST", "/files", null, null, "Tus-Resumable", "0.2.2", "Upload-Length", "10");
        assertThat(r.status()).isEqualTo(412);
        assertThat(r.raw().headers().firstValue("Tus-Version")).contains("1.0.0");
        assertThat(r.raw().headers().firstValue("Mediaup-Error-Code")).contains("tus_version");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void deliveryRefusesARangeOutsideTheMedia() throws Exception {
        String before = snapshot();
        Res r = api.send("GET", "/media/" + doneKey + "/orig", null, null, "Range", "bytes=99999-");
        assertThat(r.status()).isEqualTo(416);
        assertThat(r.code()).isEqualTo("range_not_satisfiable");
        assertThat(snapshot()).isEqualTo(before);
    }

    /** The rows and blobs a bad request could have touched. */
    static String snapshot() throws Exception {
        return StoreSnapshot.of(Backend.db(server), Backend.blobs(server, "uploads"));
    }
}
