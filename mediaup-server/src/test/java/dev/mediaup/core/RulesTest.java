package dev.mediaup.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The upload rules as methods of the core types, and their one rendering each as a protocol error. */
class RulesTest {
    static final long NOW = 1_800_000_000L;

    @Test
    void segmentsGoOnlyToALiveUnfinalizedSession() {
        Upload u = Upload.started(5, "1", "video/mp4", Category.TWEET_VIDEO, null, false, List.of(), NOW, NOW + 60);
        assertThat(u.appendRefusal(NOW + 59)).isEmpty();
        assertThat(u.appendRefusal(NOW + 60)).contains(new Refusal.SessionExpired(5, NOW + 60));
        Upload pending = new Upload(5, "1", "video/mp4", Category.TWEET_VIDEO, Family.VIDEO, null, false, List.of(), State.PENDING, NOW,
                NOW + 60, 10L, 0, MediaInfo.NONE, null, null, 1, null, null, null);
        assertThat(pending.appendRefusal(NOW)).contains(new Refusal.AlreadyFinalized(5));
        assertThat(pending.sessionExpired(NOW + 1000)).as("a finalized upload's session does not expire").isFalse();
    }

    @Test
    void theCategoryDecidesFamilyAndKeyPrefix() {
        assertThat(Upload.started(9, "1", "image/gif", Category.TWEET_GIF, null, false, List.of(), NOW, NOW).mediaKey()).isEqualTo("16_9");
        assertThat(Upload.started(9, "1", "image/gif", Category.TWEET_IMAGE, null, false, List.of(), NOW, NOW).mediaKey()).isEqualTo("3_9");
        assertThat(Upload.started(9, "1", "video/mp4", Category.AMPLIFY_VIDEO, null, false, List.of(), NOW, NOW).mediaKey())
                .isEqualTo("13_9");
        assertThat(Category.inferFrom("text/vtt")).isEqualTo(Category.SUBTITLES);
        assertThat(Category.TWEET_IMAGE.family("model/gltf-binary")).isEqualTo(Family.MODEL);
    }

    @Test
    void aDeclaredTotalCapsTheCategoryLimit() {
        Upload u = Upload.started(1, "1", "image/png", Category.TWEET_IMAGE, 100L, false, List.of(), NOW, NOW);
        assertThat(u.maxBytes(5000)).isEqualTo(100);
        assertThat(u.maxBytes(50)).isEqualTo(50);
    }

    @Test
    void quotasRefuseWhatWouldNotFit() {
        Quota q = new Quota(100L, 50L);
        assertThat(q.refusal(90, 0, 10, 10, NOW)).isEmpty();
        assertThat(q.refusal(90, 0, 11, 11, NOW)).contains(new Refusal.DailyQuota(100, 90, Quota.dayEnds(NOW)));
        assertThat(q.refusal(0, 45, 10, 10, NOW)).contains(new Refusal.StoredQuota(50, 45));
        assertThat(q.refusal(0, 60, 10, -5, NOW)).as("a smaller re-send is always allowed to store").isEmpty();
        assertThat(q.initRefusal(new Usage("1", 50, 0), 0, NOW)).isEmpty();
        assertThat(q.initRefusal(new Usage("1", 51, 0), 0, NOW)).contains(new Refusal.StoredQuota(50, 51));
        assertThat(Quota.NONE.refusal(Long.MAX_VALUE / 2, 0, 1, 1, NOW)).isEmpty();
        assertThat(Quota.dayEnds(NOW) % 86_400).isZero();
    }

    @Test
    void blobKeysAreBuiltAndParsedInOnePlace() {
        assertThat(BlobKeys.segment(42, 255)).isEqualTo("uploads/42/sff");
        assertThat(BlobKeys.assembled(42, 16)).isEqualTo("uploads/42/o10");
        assertThat(BlobKeys.variant(42, "hls.720p.m3u8")).isEqualTo("uploads/42/v/hls.720p.m3u8");
        assertThat(BlobKeys.uploadIdOf(BlobKeys.variant(42, "orig"))).hasValue(42);
        assertThat(BlobKeys.uploadIdOf("uploads/x/y")).isEmpty();
        assertThat(BlobKeys.uploadIdOf("other/42/y")).isEmpty();
        assertThat(BlobKeys.uploadIdOf("uploads/42")).isEmpty();
    }

    @Test
    void everyRefusalHasItsProtocolAnswer() {
        List<Refusal> all = List.of(new Refusal.UnknownUpload(1), new Refusal.SessionExpired(1, 2), new Refusal.AlreadyFinalized(1),
                new Refusal.OverTotal(1, 2, 3, 2), new Refusal.DailyQuota(1, 2, 3), new Refusal.StoredQuota(1, 2),
                new Refusal.SegmentsChanged(1), new Refusal.FinalizedConcurrently(1));
        assertThat(all).extracting(r -> UploadProblems.refused(r).kind).containsExactly(Problem.Kind.NOT_FOUND, Problem.Kind.INVALID,
                Problem.Kind.CONFLICT, Problem.Kind.TOO_LARGE, Problem.Kind.USAGE_CAPPED, Problem.Kind.USAGE_CAPPED,
                Problem.Kind.CONFLICT, Problem.Kind.CONFLICT);
        assertThat(UploadProblems.refused(new Refusal.DailyQuota(1, 2, 3)).parameter).isEqualTo("daily");
        assertThat(Checked.done("x").orElseThrow(UploadProblems::refused)).isEqualTo("x");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Checked.refused(new Refusal.UnknownUpload(3)).orElseThrow(UploadProblems::refused))
                .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.value).isEqualTo("3"));
    }
}
