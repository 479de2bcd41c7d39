package dev.mediaup.api.wire;

import dev.mediaup.core.Category;
import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** X's response shapes, rendered from core types: ids as strings, processing_info only where X sends it. */
class WireTest {
    static final long NOW = 1_800_000_000L;

    static Upload upload(Category c, String type, State state, MediaInfo info, Failure failure, int progress) {
        Upload u = Upload.started(1880028106020515840L, "1", type, c, 100L, false, List.of(), NOW - 10, NOW + 3590);
        return new Upload(u.id(), u.ownerId(), u.mediaType(), u.category(), u.family(), u.totalBytes(), false, List.of(), state,
                u.createdAt(), u.expiresAt(), state == State.UPLOADING ? null : 100L, progress, info, failure, null, 5, null, null, null);
    }

    static String json(Object o) {
        return Wire.JSON.writeValueAsString(o);
    }

    @Test
    void initializeAnswersIdKeyAndWindow() {
        Upload u = upload(Category.TWEET_IMAGE, "image/png", State.UPLOADING, MediaInfo.NONE, null, 0);
        assertThat(json(Wire.initialized(u, NOW)))
                .isEqualTo("{\"id\":\"1880028106020515840\",\"media_key\":\"3_1880028106020515840\",\"expires_after_secs\":3590}");
    }

    @Test
    void aFinishedImageHasNoProcessingInfo() {
        Upload u = upload(Category.TWEET_IMAGE, "image/png", State.SUCCEEDED, new MediaInfo(40, 30, "image/png", null, null), null, 100);
        assertThat(json(Wire.mediaData(u, NOW))).isEqualTo("{\"id\":\"1880028106020515840\",\"media_key\":\"3_1880028106020515840\","
                + "\"expires_after_secs\":3590,\"size\":100,\"image\":{\"image_type\":\"image/png\",\"w\":40,\"h\":30}}");
    }

    @Test
    void aVideoInProgressSaysWhenToLookAgainAndNeverClaims100() {
        Upload u = upload(Category.TWEET_VIDEO, "video/mp4", State.IN_PROGRESS, new MediaInfo(null, null, null, "video/mp4", null), null,
                100);
        assertThat(json(Wire.mediaData(u, NOW))).isEqualTo("{\"id\":\"1880028106020515840\",\"media_key\":\"7_1880028106020515840\","
                + "\"expires_after_secs\":3590,\"size\":100,\"processing_info\":{\"state\":\"in_progress\",\"check_after_secs\":5,"
                + "\"progress_percent\":99},\"video\":{\"video_type\":\"video/mp4\"}}");
    }

    @Test
    void aFailureCarriesXsErrorObjectInV11AndNoneInsideV2ProcessingInfo() {
        Upload u = upload(Category.TWEET_GIF, "image/gif", State.FAILED, MediaInfo.NONE, Failure.invalidMedia("The media is not a GIF."),
                100);
        assertThat(json(Wire.mediaData(u, NOW))).contains("\"processing_info\":{\"state\":\"failed\",\"progress_percent\":100}");
        assertThat(json(Wire.mediaV11(u, NOW))).contains("\"media_key\":\"16_1880028106020515840\"")
                .contains("\"processing_info\":{\"state\":\"failed\",\"progress_percent\":100,\"error\":{\"code\":1,"
                        + "\"name\":\"InvalidMedia\",\"message\":\"The media is not a GIF.\"}}");
    }
}
