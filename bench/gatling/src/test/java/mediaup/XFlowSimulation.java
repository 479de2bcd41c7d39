package mediaup;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * The whole X flow under an open-model load: users arrive at a rate that ramps up, then holds; each uploads
 * a picture (80 %) or a video (20 %) — initialize, appends (a video's segments in parallel), finalize, STATUS until
 * processing succeeded, a lookup, a ranged read of what delivery serves — as X's clients do.
 *
 * Properties (all -D, with the short profile's defaults): mediaup.base (one URL, or several comma-separated: users are
 * spread over the nodes), mediaup.token, mediaup.picture, mediaup.video (fixture files), mediaup.segment (bytes per
 * append, 1 MiB as twitter-api-v2 and xdk send), mediaup.rate (users/s held), mediaup.ramp and mediaup.hold (seconds).
 */
public class XFlowSimulation extends Simulation {
    static final String[] BASES = System.getProperty("mediaup.base", "http://127.0.0.1:8080").split(",");
    static final String TOKEN = System.getProperty("mediaup.token", "");
    static final Path PICTURE = Path.of(System.getProperty("mediaup.picture", "target/picture.jpg"));
    static final Path VIDEO = Path.of(System.getProperty("mediaup.video", "target/video.mp4"));
    static final int SEGMENT = Integer.getInteger("mediaup.segment", 1 << 20);
    static final double RATE = Double.parseDouble(System.getProperty("mediaup.rate", "0.5"));
    static final int RAMP = Integer.getInteger("mediaup.ramp", 30);
    static final int HOLD = Integer.getInteger("mediaup.hold", 90);

    static final byte[] VIDEO_BYTES = read(VIDEO);
    static final int VIDEO_SEGMENTS = (VIDEO_BYTES.length + SEGMENT - 1) / SEGMENT;

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IllegalStateException("fixture " + p + " (bench/load makes it)", e);
        }
    }

    HttpProtocolBuilder protocol = http.baseUrls(BASES).authorizationHeader("Bearer " + TOKEN).acceptHeader("application/json")
            .shareConnections().disableCaching();

    static ChainBuilder initialize(String type, String category, long bytes) {
        return exec(http("initialize").post("/2/media/upload/initialize")
                .body(StringBody("{\"media_type\":\"" + type + "\",\"media_category\":\"" + category + "\",\"total_bytes\":" + bytes + "}"))
                .asJson().check(status().is(200), jsonPath("$.data.id").saveAs("id"))).exitHereIfFailed();
    }

    static HttpRequestActionBuilder append(int index, byte[] part) {
        return http("append").post("/2/media/upload/#{id}/append")
                .bodyPart(StringBodyPart("segment_index", Integer.toString(index)))
                .bodyPart(ByteArrayBodyPart("media", part).fileName("part").contentType("application/octet-stream"))
                .asMultipartForm().check(status().is(200));
    }

    /** FINALIZE, then STATUS at check_after_secs until succeeded (or failed: a KO), then lookup and a ranged read. */
    static ChainBuilder finish(String urlPath) {
        return exec(http("finalize").post("/2/media/upload/#{id}/finalize").check(status().is(200),
                        jsonPath("$.data.media_key").saveAs("key"),
                        jsonPath("$.data.processing_info.state").withDefault("succeeded").saveAs("state"),
                        jsonPath("$.data.processing_info.check_after_secs").ofInt().withDefault(0).saveAs("after")))
                .asLongAs(s -> s.getString("state").equals("pending") || s.getString("state").equals("in_progress")).on(
                        pause(s -> Duration.ofSeconds(Math.max(1, s.getInt("after"))))
                                .exec(http("STATUS").get("/2/media/upload?command=STATUS&media_id=#{id}").check(status().is(200),
                                        jsonPath("$.data.processing_info.state").saveAs("state"),
                                        jsonPath("$.data.processing_info.check_after_secs").ofInt().withDefault(1).saveAs("after"))))
                .exec(s -> s.getString("state").equals("succeeded") ? s : s.markAsFailed())
                .exitHereIfFailed()
                .exec(http("lookup").get("/2/media/#{key}?media.fields=url,variants,preview_image_url").check(status().is(200),
                        jsonPath(urlPath).saveAs("url")))
                .exec(http("ranged read").get("#{url}").header("Range", "bytes=0-65535").check(status().in(200, 206)));
    }

    ChainBuilder picture = exec(initialize("image/jpeg", "tweet_image", read(PICTURE).length))
            .exec(append(0, read(PICTURE)))
            .exec(finish("$.data.url"));

    ChainBuilder video;

    {
        HttpRequestActionBuilder[] rest = IntStream.range(1, VIDEO_SEGMENTS).mapToObj(i -> append(i,
                Arrays.copyOfRange(VIDEO_BYTES, i * SEGMENT, Math.min(VIDEO_BYTES.length, (i + 1) * SEGMENT)))).toArray(HttpRequestActionBuilder[]::new);
        // the first segment, then the others in parallel (Gatling's resources: concurrent requests of one user)
        HttpRequestActionBuilder first = append(0, Arrays.copyOfRange(VIDEO_BYTES, 0, Math.min(VIDEO_BYTES.length, SEGMENT)));
        video = exec(initialize("video/mp4", "tweet_video", VIDEO_BYTES.length))
                .exec(rest.length == 0 ? first : first.resources(rest))
                .exec(finish("$.data.variants[0].url"));
    }

    ScenarioBuilder flow = scenario("X upload flow").randomSwitch().on(percent(80.0).then(picture), percent(20.0).then(video));

    {
        setUp(flow.injectOpen(rampUsersPerSec(0.2).to(RATE).during(RAMP), constantUsersPerSec(RATE).during(HOLD)))
                .protocols(protocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }
}
