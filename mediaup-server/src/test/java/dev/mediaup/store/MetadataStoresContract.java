package dev.mediaup.store;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Category;
import dev.mediaup.core.Checked;
import dev.mediaup.core.Credential;
import dev.mediaup.core.Grant;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Refusal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Usage;
import dev.mediaup.core.Variant;
import dev.mediaup.store.JobStore.Job;
import dev.mediaup.store.UploadWrites.Finalization;
import dev.mediaup.store.UploadWrites.Original;
import dev.mediaup.store.UploadWrites.SegmentPut;
import dev.mediaup.store.WebhookOutbox.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.assertj.core.groups.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the metadata store roles, written once and run against every backend (tusd's idea: a handler
 * suite any store must pass). A new backend proves itself by extending this with an {@link #open()} of its own.
 * Each test gets a fresh, empty store.
 */
public abstract class MetadataStoresContract {
    private static final AtomicLong IDS = new AtomicLong(1_000);
    private static final long NOW = 1_800_000_000L;

    protected MetadataStores stores;

    /** A new, empty, migrated store. */
    protected abstract MetadataStores open() throws Exception;

    /** Whether this backend is shared by several nodes (it then records nonces before answering). */
    protected abstract boolean shared();

    @BeforeEach
    void openStores() throws Exception {
        stores = open();
    }

    @AfterEach
    void closeStores() {
        if (stores != null) stores.close();
    }

    // ---- helpers ----

    static Upload upload(String owner, Category c, String type, Long total, long expiresAt) {
        return Upload.started(IDS.incrementAndGet(), owner, type, c, total, false, List.of("77"), NOW, expiresAt);
    }

    Upload created(String owner, Long total) {
        Upload u = upload(owner, Category.TWEET_IMAGE, "image/png", total, NOW + 3600);
        done(stores.uploads().create(u, NOW));
        return u;
    }

    static Segment seg(Upload u, int index, long size) {
        return new Segment(u.id(), index, size, "ab".repeat(32), BlobKeys.segment(u.id(), IDS.incrementAndGet()));
    }

    static <T> T done(Checked<T> c) {
        assertThat(c).isInstanceOf(Checked.Done.class);
        return ((Checked.Done<T>) c).value();
    }

    static Refusal refused(Checked<?> c) {
        assertThat(c).isInstanceOf(Checked.Refused.class);
        return ((Checked.Refused<?>) c).reason();
    }

    Upload finalized(Upload u, State state, String job) {
        List<Segment> segs = stores.uploads().segments(u.id());
        return done(stores.uploads().finalizeUpload(new Finalization(u.id(), segs, Original.SEGMENTS, state,
                segs.stream().mapToLong(Segment::size).sum(), new MediaInfo(10, 20, "image/png", null, null), null, job, NOW,
                NOW + 86_400)));
    }

    // ---- uploads ----

    @Test
    void anUploadReadsBackAsCreated() {
        Upload u = upload("42", Category.AMPLIFY_VIDEO, "video/mp4", 1234L, NOW + 99);
        done(stores.uploads().create(u, NOW));
        assertThat(stores.uploads().find(u.id())).contains(u);
        assertThat(stores.uploads().find(List.of(u.id(), 1L))).containsExactly(u);
        assertThat(stores.uploads().find(-5)).isEmpty();
    }

    // ---- grants ----

    static Grant grant(String id, int uploads, long expiresAt) {
        return grant(id, uploads, expiresAt, null, Credential.token("t" + id, NOW + 3600));
    }

    static Grant grant(String id, int uploads, long expiresAt, String app, Credential madeWith) {
        return new Grant(id, "42", app, Category.TWEET_VIDEO, List.of("video/mp4"), 5_000L, 30L, uploads, 0, NOW, expiresAt,
                List.of("https://app.example"), true, List.of("77"), madeWith, null);
    }

    @Test
    void aGrantReadsBackByItsTokenHashAndItsUsesAreClaimedWithTheUploads() {
        Grant g = grant("9001", 2, NOW + 60);
        stores.grants().create(g, "h".repeat(64));
        assertThat(stores.grants().findByTokenHash("h".repeat(64))).contains(g);
        assertThat(stores.grants().findByTokenHash("x".repeat(64))).isEmpty();
        Upload first = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(g);
        Upload second = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(g);
        assertThat(done(stores.uploads().create(first, NOW))).isEqualTo(first);
        done(stores.uploads().create(second, NOW));
        Upload third = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(g);
        assertThat(refused(stores.uploads().create(third, NOW))).isEqualTo(new Refusal.GrantUsedUp("9001", 2));
        assertThat(stores.uploads().find(third.id())).as("a refused upload is not recorded").isEmpty();
        assertThat(stores.grants().find("9001").orElseThrow().used()).isEqualTo(2);
        assertThat(stores.uploads().startedWith("9001")).containsExactly(first, second);
        assertThat(stores.uploads().find(first.id()).orElseThrow().maxDurationSecs()).isEqualTo(30L);
    }

    @Test
    void aRevokedOrExpiredGrantStartsNothingAndOnlyItsOwnerRevokesIt() {
        stores.grants().create(grant("9002", 5, NOW + 60), "a".repeat(64));
        stores.grants().create(grant("9003", 5, NOW - 1), "b".repeat(64));
        assertThat(stores.grants().revoke("9002", "someone else")).isFalse();
        assertThat(stores.grants().revoke("9002", "42")).isTrue();
        assertThat(stores.grants().find("9002").orElseThrow().revoked()).isTrue();
        for (String id : List.of("9002", "9003")) {
            Upload u = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(stores.grants().find(id).orElseThrow());
            assertThat(refused(stores.uploads().create(u, NOW))).isEqualTo(new Refusal.GrantNotLive(id));
        }
        assertThat(stores.grants().find("9002").orElseThrow().revokedBy()).isEqualTo("user");
        assertThat(stores.grants().ownedBy("42", 10)).extracting(Grant::id).containsExactlyInAnyOrder("9002", "9003");
        assertThat(stores.grants().ownedBy("43", 10)).isEmpty();
    }

    @Test
    void segmentsAreRecordedInIndexOrderAndAReSentIndexReplacesTheBlob() {
        Upload u = created("1", null);
        Segment s1 = seg(u, 1, 30), s0 = seg(u, 0, 10), again = seg(u, 1, 5);
        assertThat(done(stores.uploads().putSegment(s1, NOW, 1000, Quota.NONE)).replacedBlob()).isEmpty();
        done(stores.uploads().putSegment(s0, NOW, 1000, Quota.NONE));
        SegmentPut put = done(stores.uploads().putSegment(again, NOW, 1000, Quota.NONE));
        assertThat(put.replacedBlob()).contains(s1.blobKey());
        assertThat(put.upload().id()).isEqualTo(u.id());
        assertThat(stores.uploads().segments(u.id())).containsExactly(s0, again);
        assertThat(stores.uploads().stored(u.id())).containsExactly(s0, again);
        Usage usage = stores.uploads().usage("1", Quota.epochDay(NOW));
        assertThat(usage.storedBytes()).isEqualTo(15);     // what is kept now
        assertThat(usage.uploadedToday()).isEqualTo(45);   // what was received, re-sends included
    }

    @Test
    void aSegmentsDigestWorkedOutLaterIsKeptOnlyForTheBlobItWasWorkedOutFrom() {
        Upload u = created("1", null);
        Segment unhashed = seg(u, 0, 10).withSha256(null), other = seg(u, 1, 20).withSha256(null);
        done(stores.uploads().putSegment(unhashed, NOW, 1000, Quota.NONE));
        done(stores.uploads().putSegment(other, NOW, 1000, Quota.NONE));
        assertThat(stores.uploads().segments(u.id())).extracting(Segment::sha256).containsExactly(null, null);
        // index 1 re-sent (new blob, its client's checksum verified) after its old bytes were read for a listing
        Segment resent = seg(u, 1, 20).withSha256("cd".repeat(32));
        done(stores.uploads().putSegment(resent, NOW, 1000, Quota.NONE));
        stores.uploads().recordDigests(List.of(unhashed.withSha256("01".repeat(32)), other.withSha256("02".repeat(32))));
        assertThat(stores.uploads().segments(u.id())).containsExactly(unhashed.withSha256("01".repeat(32)), resent);
        stores.uploads().recordDigests(List.of(unhashed.withSha256("03".repeat(32)))); // a digest once kept stays
        assertThat(stores.uploads().segments(u.id()).getFirst().sha256()).isEqualTo("01".repeat(32));
        stores.uploads().recordDigests(List.of());
    }

    @Test
    void aRefusedSegmentChangesNothing() {
        Upload u = created("2", 100L);
        done(stores.uploads().putSegment(seg(u, 0, 60), NOW, 100, Quota.NONE));
        assertThat(refused(stores.uploads().putSegment(seg(u, 1, 41), NOW, 100, Quota.NONE)))
                .isEqualTo(new Refusal.OverTotal(1, 41, 101, 100));
        assertThat(refused(stores.uploads().putSegment(new Segment(-1, 0, 1, "x", "uploads/1/s1"), NOW, 100, Quota.NONE)))
                .isEqualTo(new Refusal.UnknownUpload(-1));
        assertThat(refused(stores.uploads().putSegment(seg(u, 1, 1), u.expiresAt(), 100, Quota.NONE)))
                .isEqualTo(new Refusal.SessionExpired(u.id(), u.expiresAt()));
        assertThat(stores.uploads().segments(u.id())).hasSize(1);
        assertThat(stores.uploads().usage("2", Quota.epochDay(NOW)).uploadedToday()).isEqualTo(60);
    }

    @Test
    void quotasAreCheckedInsideTheTransaction() {
        Upload u = created("3", null);
        Quota quota = new Quota(100L, 70L);
        done(stores.uploads().putSegment(seg(u, 0, 60), NOW, 1000, quota));
        assertThat(refused(stores.uploads().putSegment(seg(u, 1, 20), NOW, 1000, quota)))
                .isEqualTo(new Refusal.StoredQuota(70, 60));
        done(stores.uploads().putSegment(seg(u, 0, 30), NOW, 1000, quota)); // a smaller re-send frees stored bytes
        assertThat(refused(stores.uploads().putSegment(seg(u, 1, 20), NOW, 1000, quota)))
                .isEqualTo(new Refusal.DailyQuota(100, 90, Quota.dayEnds(NOW)));
        assertThat(stores.uploads().segments(u.id())).extracting(Segment::size).containsExactly(30L);
    }

    @Test
    void finalizeChecksTheManifestAndHappensOnce() {
        Upload u = created("4", null);
        done(stores.uploads().putSegment(seg(u, 0, 10), NOW, 1000, Quota.NONE));
        List<Segment> stale = List.of(seg(u, 0, 10));
        assertThat(refused(stores.uploads().finalizeUpload(Finalization.succeeded(u.id(), stale, Original.SEGMENTS, 10, MediaInfo.NONE,
                NOW, NOW + 10)))).isEqualTo(new Refusal.SegmentsChanged(u.id()));
        Upload f = finalized(u, State.SUCCEEDED, null);
        assertThat(f.state()).isEqualTo(State.SUCCEEDED);
        assertThat(f.size()).isEqualTo(10);
        assertThat(f.totalBytes()).isEqualTo(10);
        assertThat(f.progress()).isEqualTo(100);
        assertThat(f.info().width()).isEqualTo(10);
        List<Segment> segs = stores.uploads().segments(u.id());
        assertThat(refused(stores.uploads().finalizeUpload(Finalization.succeeded(u.id(), segs, Original.SEGMENTS, 10, MediaInfo.NONE,
                NOW, NOW + 10)))).isEqualTo(new Refusal.FinalizedConcurrently(u.id()));
        assertThat(refused(stores.uploads().putSegment(seg(u, 1, 1), NOW, 1000, Quota.NONE))).isEqualTo(new Refusal.AlreadyFinalized(u.id()));
    }

    @Test
    void finalizingWithTheOriginalDroppedForgetsItsBytesInTheSameTransaction() {
        Upload u = created("5d", null);
        done(stores.uploads().putSegment(seg(u, 0, 10), NOW, 1000, Quota.NONE));
        List<Segment> segs = stores.uploads().segments(u.id());
        Upload f = done(stores.uploads().finalizeUpload(Finalization.succeeded(u.id(), segs, Original.DROPPED, 10, MediaInfo.NONE, NOW,
                NOW + 86_400)));
        assertThat(f.state()).isEqualTo(State.SUCCEEDED);
        assertThat(stores.uploads().segments(u.id())).as("no rows keep bytes nobody wanted, even if the blobs outlive a crash").isEmpty();
        assertThat(stores.uploads().usage("5d", Quota.epochDay(NOW)).storedBytes()).isZero();
    }

    @Test
    void anAssembledOriginalIsWhereTheBytesAreAndDeletingSegmentsReleasesThem() {
        Upload u = created("5", null);
        done(stores.uploads().putSegment(seg(u, 0, 10), NOW, 1000, Quota.NONE));
        done(stores.uploads().putSegment(seg(u, 1, 5), NOW, 1000, Quota.NONE));
        List<Segment> segs = stores.uploads().segments(u.id());
        assertThat(stores.uploads().setOriginal(u.id(), List.of(segs.getFirst()), "uploads/x/o1")).isFalse();
        assertThat(stores.uploads().setOriginal(u.id(), segs, BlobKeys.assembled(u.id(), 1))).isTrue();
        assertThat(stores.uploads().stored(u.id())).containsExactly(new Segment(u.id(), 0, 15, null, BlobKeys.assembled(u.id(), 1)));
        assertThat(stores.uploads().segments(u.id())).isEqualTo(segs); // the rows still say what was appended
        stores.uploads().deleteSegments(u.id());
        assertThat(stores.uploads().segments(u.id())).isEmpty();
        assertThat(stores.uploads().stored(u.id())).isEmpty();
        assertThat(stores.uploads().usage("5", Quota.epochDay(NOW)).storedBytes()).isZero();
    }

    @Test
    void sessionsExpireAndTheirBytesAreFoundForTheSweeper() {
        Upload live = created("6", null), old = upload("6", Category.TWEET_IMAGE, "image/png", null, NOW - 1);
        done(stores.uploads().create(old, NOW));
        done(stores.uploads().putSegment(seg(live, 0, 1), NOW, 10, Quota.NONE));
        assertThat(stores.uploads().expireSessions(NOW)).isEqualTo(1);
        assertThat(stores.uploads().find(old.id()).orElseThrow().state()).isEqualTo(State.EXPIRED);
        assertThat(stores.uploads().expiredWithSegments(10)).isEmpty(); // the expired one holds no bytes
        assertThat(stores.uploads().expireSessions(NOW + 3600)).isEqualTo(1);
        assertThat(stores.uploads().expiredWithSegments(10)).containsExactly(live.id());
        stores.uploads().purge(live.id());
        assertThat(stores.uploads().expiredWithSegments(10)).isEmpty();
        // a FINALIZE cut short after processing leaves variants on an upload that then expires: those are bytes too
        assertThat(stores.media().putVariants(old.id(), List.of(variant(old, "orig", 5))).recorded()).isTrue();
        assertThat(stores.uploads().expiredWithSegments(10)).containsExactly(old.id());
        stores.uploads().purge(old.id());
        assertThat(stores.uploads().expiredWithSegments(10)).isEmpty();
        assertThat(stores.media().variants(List.of(old.id()), true)).isEmpty();
        assertThat(stores.uploads().usage("6", Quota.epochDay(NOW)).storedBytes()).isZero();
    }

    @Test
    void anAbandonedUploadEndsNowKeepsItsRowAndLeavesItsBytesToTheSweeper() {
        Upload u = created("6", 10L), done = created("6", 1L);
        done(stores.uploads().putSegment(seg(u, 0, 4), NOW, 10, Quota.NONE));
        assertThat(stores.uploads().abandon(u.id(), NOW + 5)).isTrue();
        Upload ended = stores.uploads().find(u.id()).orElseThrow();
        assertThat(ended.state()).isEqualTo(State.EXPIRED);
        assertThat(ended.expiresAt()).isEqualTo(NOW + 5);
        assertThat(stores.uploads().expiredWithSegments(10)).containsExactly(u.id());
        assertThat(stores.uploads().abandon(u.id(), NOW + 6)).as("once").isFalse();
        done(stores.uploads().putSegment(seg(done, 0, 1), NOW, 10, Quota.NONE));
        finalized(done, State.SUCCEEDED, null);
        assertThat(stores.uploads().abandon(done.id(), NOW)).as("finalized media is not abandoned").isFalse();
        assertThat(stores.uploads().find(done.id()).orElseThrow().state()).isEqualTo(State.SUCCEEDED);
    }

    @Test
    void aDeferredLengthIsDeclaredOnceAndNeverBelowTheBytesHeld() {
        Upload u = created("6", null);
        done(stores.uploads().putSegment(seg(u, 0, 4), NOW, 10, Quota.NONE));
        assertThat(refused(stores.uploads().declareLength(u.id(), 3, NOW))).as("below what it holds")
                .isEqualTo(new Refusal.LengthConflict(u.id(), 3, null, 4));
        assertThat(stores.uploads().find(u.id()).orElseThrow().totalBytes()).isNull();
        assertThat(done(stores.uploads().declareLength(u.id(), 7, NOW)).totalBytes()).isEqualTo(7L);
        assertThat(done(stores.uploads().declareLength(u.id(), 7, NOW)).totalBytes()).as("the same again").isEqualTo(7L);
        assertThat(refused(stores.uploads().declareLength(u.id(), 8, NOW))).as("another")
                .isEqualTo(new Refusal.LengthConflict(u.id(), 8, 7L, 4));
        assertThat(refused(stores.uploads().declareLength(Long.MAX_VALUE - 1, 8, NOW)))
                .isEqualTo(new Refusal.UnknownUpload(Long.MAX_VALUE - 1));
        done(stores.uploads().putSegment(seg(u, 1, 3), NOW, 7, Quota.NONE));
        finalized(u, State.SUCCEEDED, null);
        assertThat(refused(stores.uploads().declareLength(u.id(), 7, NOW))).as("finalized")
                .isEqualTo(new Refusal.AlreadyFinalized(u.id()));
    }

    @Test
    void spentPartialsSayWhereTheyWentInOrderAndEndedWhenTheyWereSpent() {
        Upload a = upload("6", Category.TWEET_VIDEO, Upload.TUS_PARTIAL, 2L, NOW + 3600), b = upload("6", Category.TWEET_VIDEO,
                Upload.TUS_PARTIAL, 3L, NOW + 3600), whole = upload("6", Category.TWEET_VIDEO, "video/mp4", 5L, NOW + 3600);
        for (Upload u : List.of(a, b, whole)) done(stores.uploads().create(u, NOW));
        done(stores.uploads().putSegment(seg(a, 0, 2), NOW, 2, Quota.NONE));
        done(stores.uploads().putSegment(seg(b, 0, 3), NOW, 3, Quota.NONE));
        done(stores.uploads().concatenate(whole.id(), List.of(b.id(), a.id()), NOW + 7));
        assertThat(stores.uploads().concatenatedInto(b.id())).contains(new UploadReads.Spent(whole.id(), 0));
        assertThat(stores.uploads().concatenatedInto(a.id())).contains(new UploadReads.Spent(whole.id(), 1));
        assertThat(stores.uploads().concatenatedInto(whole.id())).isEmpty();
        assertThat(stores.uploads().find(a.id()).orElseThrow().expiresAt()).as("spent now, not at its session's end").isEqualTo(NOW + 7);
        assertThat(stores.uploads().segments(whole.id())).extracting(Segment::size).containsExactly(3L, 2L);
    }

    @Test
    void ownedByListsFinalizedMediaNewestFirstInPages() {
        List<Upload> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Upload u = created("8", null);
            done(stores.uploads().putSegment(seg(u, 0, 1), NOW, 10, Quota.NONE));
            made.add(finalized(u, State.SUCCEEDED, null));
        }
        Upload failed = created("8", null);
        done(stores.uploads().putSegment(seg(failed, 0, 1), NOW, 10, Quota.NONE));
        finalized(failed, State.FAILED, null);
        created("8", null); // still uploading
        List<Upload> page = stores.uploads().ownedBy("8", null, 2);
        assertThat(page).extracting(Upload::id).containsExactly(made.get(2).id(), made.get(1).id());
        assertThat(stores.uploads().ownedBy("8", made.get(1).id(), 2)).extracting(Upload::id).containsExactly(made.get(0).id());
        assertThat(stores.uploads().ownedBy("9", null, 10)).isEmpty();
        assertThat(stores.uploads().mediaCreatedBefore(NOW + 1, 10)).hasSize(4);
    }

    @Test
    void deleteForgetsEverythingAndGivesTheBytesBack() {
        Upload u = created("10", null);
        done(stores.uploads().putSegment(seg(u, 0, 10), NOW, 100, Quota.NONE));
        finalized(u, State.SUCCEEDED, null);
        assertThat(stores.media().putVariants(u.id(), List.of(variant(u, "small", 7))).recorded()).isTrue();
        assertThat(stores.uploads().setMetadata(u.id(), "{\"alt_text\":{\"text\":\"hi\"}}").orElseThrow().metadataJson()).contains("hi");
        assertThat(stores.uploads().usage("10", Quota.epochDay(NOW)).storedBytes()).isEqualTo(17);
        stores.uploads().delete(u.id());
        assertThat(stores.uploads().find(u.id())).isEmpty();
        assertThat(stores.media().variants(List.of(u.id()), true)).isEmpty();
        assertThat(stores.uploads().usage("10", Quota.epochDay(NOW)).storedBytes()).isZero();
        assertThat(stores.uploads().setMetadata(u.id(), "{}")).isEmpty();
    }

    @Test
    void mediaWithTheSameBytesShareVariantsAndABlobIsFreedOnlyWhenNoMediaUsesIt() {
        String sha = "ef".repeat(32), recipe = "1;IMAGE;tweet_image;image/png;px=1";
        Upload a = created("20", null);
        Segment aSeg = seg(a, 0, 10);
        done(stores.uploads().putSegment(aSeg, NOW, 100, Quota.NONE));
        stores.content().recordContent(a.id(), sha, recipe);
        Upload b = created("21", null);
        done(stores.uploads().putSegment(seg(b, 0, 10), NOW, 100, Quota.NONE));
        assertThat(stores.content().sameContent(b.id(), sha, recipe, null)).as("not before it succeeded").isEmpty();
        finalized(a, State.SUCCEEDED, null);
        List<Variant> made = List.of(variant(a, "orig", 9), variant(a, "small", 7));
        assertThat(stores.media().putVariants(a.id(), made).recorded()).isTrue();
        assertThat(stores.content().sameContent(b.id(), sha, recipe, null)).hasValue(a.id());
        assertThat(stores.content().sameContent(a.id(), sha, recipe, null)).as("never itself").isEmpty();
        assertThat(stores.content().sameContent(b.id(), sha, recipe + ";other", null)).as("another recipe").isEmpty();
        assertThat(stores.content().sameContent(b.id(), sha, recipe, "20")).as("held by its owner").hasValue(a.id());
        assertThat(stores.content().sameContent(b.id(), sha, recipe, "21")).as("not held by another user").isEmpty();
        assertThat(stores.content().sameContent(b.id(), "00".repeat(32), recipe, null)).isEmpty();

        ContentStore.Shared shared = stores.content().share(b.id(), a.id(), true).orElseThrow();
        MediaInfo info = shared.info();
        assertThat(shared.originalKey()).as("a's original is its one segment: b's too").isEqualTo(aSeg.blobKey());
        assertThat(stores.uploads().stored(b.id())).extracting(Segment::blobKey).containsExactly(aSeg.blobKey());
        assertThat(info.width()).isEqualTo(10);
        assertThat(info.imageType()).isEqualTo("image/png");
        assertThat(stores.media().variants(List.of(b.id()), true)).extracting(Variant::mediaId, Variant::blobKey)
                .containsExactlyInAnyOrder(made.stream().map(v -> Tuple.tuple(b.id(), v.blobKey())).toArray(
                        Tuple[]::new));
        assertThat(stores.uploads().usage("21", Quota.epochDay(NOW)).storedBytes()).as("each owner is charged for its media")
                .isEqualTo(10 + 16);
        assertThat(stores.content().share(b.id(), a.id(), true)).as("again: the same rows, charged once").isPresent();
        assertThat(stores.uploads().usage("21", Quota.epochDay(NOW)).storedBytes()).isEqualTo(10 + 16);
        assertThat(stores.content().referencedUnder(a.id())).containsExactlyInAnyOrder(aSeg.blobKey(), made.get(0).blobKey(),
                made.get(1).blobKey());

        UploadRetention.Unlinked first = stores.uploads().delete(a.id());
        assertThat(first.freed()).as("its variants and its original are b's too").isEmpty();
        assertThat(first.prefixInUse()).isTrue();
        assertThat(stores.content().referencedUnder(a.id())).containsExactlyInAnyOrder(aSeg.blobKey(), made.get(0).blobKey(),
                made.get(1).blobKey());
        Upload c = created("22", null);
        assertThat(stores.content().share(c.id(), a.id(), false)).as("a source that is gone shares nothing").isEmpty();
        assertThat(stores.media().variants(List.of(c.id()), true)).isEmpty();

        UploadRetention.Unlinked last = stores.uploads().delete(b.id());
        assertThat(last.freed()).hasSize(4).contains(aSeg.blobKey(), made.get(0).blobKey(), made.get(1).blobKey());
        assertThat(last.prefixInUse()).isFalse();
        assertThat(stores.content().referencedUnder(a.id())).isEmpty();
        assertThat(stores.uploads().usage("21", Quota.epochDay(NOW)).storedBytes()).isZero();
    }

    @Test
    void anOriginalInSeveralSegmentsIsSharedAsItsListOfBlobsApartFromTheRepeatsOwnSegments() {
        Upload a = created("25", null);
        List<Segment> aSegs = List.of(seg(a, 0, 4), seg(a, 1, 6));
        aSegs.forEach(s -> done(stores.uploads().putSegment(s, NOW, 100, Quota.NONE)));
        finalized(a, State.SUCCEEDED, null);
        Upload b = created("26", null);
        Segment bSeg = seg(b, 0, 10);
        done(stores.uploads().putSegment(bSeg, NOW, 100, Quota.NONE));
        assertThat(stores.uploads().unreferenced(List.of(bSeg.blobKey()))).as("an upload's segments, while it takes them").isEmpty();

        ContentStore.Shared shared = stores.content().share(b.id(), a.id(), true).orElseThrow();
        assertThat(shared.originalShared()).isTrue();
        assertThat(shared.originalKey()).as("not one blob").isNull();
        List<String> aKeys = aSegs.stream().map(Segment::blobKey).toList();
        assertThat(stores.uploads().stored(b.id())).extracting(Segment::blobKey).containsExactlyElementsOf(aKeys);
        assertThat(stores.uploads().stored(b.id())).extracting(Segment::size).containsExactly(4L, 6L);
        assertThat(stores.uploads().segments(b.id())).as("b's own segments listing is what b's client sent")
                .extracting(Segment::blobKey).containsExactly(bSeg.blobKey());
        List<Segment> bSegs = stores.uploads().segments(b.id());
        done(stores.uploads().finalizeUpload(new Finalization(b.id(), bSegs, Original.SHARED_PARTS, State.SUCCEEDED, 10,
                new MediaInfo(10, 20, "image/png", null, null), null, null, NOW, NOW + 86_400)));
        assertThat(stores.uploads().unreferenced(List.of(bSeg.blobKey()))).as("b's own bytes are not needed any more")
                .containsExactly(bSeg.blobKey());
        assertThat(stores.uploads().unreferenced(aKeys)).isEmpty();
        assertThat(stores.uploads().usage("26", Quota.epochDay(NOW)).storedBytes()).as("b is charged for what it uploaded").isEqualTo(10);

        UploadRetention.Unlinked first = stores.uploads().delete(a.id());
        assertThat(first.freed()).as("a's segments are b's original").isEmpty();
        assertThat(first.prefixInUse()).isTrue();
        assertThat(stores.content().referencedUnder(a.id())).containsExactlyInAnyOrderElementsOf(aKeys);
        assertThat(stores.uploads().stored(b.id())).extracting(Segment::blobKey).containsExactlyElementsOf(aKeys);
        Upload c = created("27", null);
        done(stores.uploads().putSegment(seg(c, 0, 10), NOW, 100, Quota.NONE));
        finalized(c, State.SUCCEEDED, null);
        assertThat(stores.content().share(c.id(), b.id(), true).orElseThrow().originalKey()).as("a repeat of a repeat").isNull();
        assertThat(stores.uploads().stored(c.id())).extracting(Segment::blobKey).containsExactlyElementsOf(aKeys);

        assertThat(stores.uploads().delete(b.id()).freed()).as("c still uses them").doesNotContainAnyElementsOf(aKeys);
        UploadRetention.Unlinked last = stores.uploads().delete(c.id());
        assertThat(last.freed()).containsAll(aKeys);
        assertThat(stores.content().referencedUnder(a.id())).isEmpty();
        assertThat(last.prefixInUse()).isFalse();
    }

    @Test
    void aVariantWhoseBytesASucceededMediaHasIsKeptOnce() {
        Upload a = created("30", null);
        done(stores.uploads().putSegment(seg(a, 0, 3), NOW, 100, Quota.NONE));
        finalized(a, State.SUCCEEDED, null);
        assertThat(stores.media().putVariants(a.id(), List.of(variant(a, "orig", 5))).recorded()).isTrue();
        Upload b = created("31", null);
        MediaStore.Put put = stores.media().putVariants(b.id(), List.of(variant(b, "orig", 5), variant(b, "small", 6)));
        assertThat(put.unneeded()).as("the same bytes: a's blob, b's own not needed").containsExactly(BlobKeys.variant(b.id(), "orig"));
        assertThat(stores.media().variant(b.id(), "orig").orElseThrow().blobKey()).isEqualTo(BlobKeys.variant(a.id(), "orig"));
        assertThat(stores.media().variant(b.id(), "small").orElseThrow().blobKey()).isEqualTo(BlobKeys.variant(b.id(), "small"));
        Upload c = created("32", null);
        assertThat(stores.media().putVariants(c.id(), List.of(variant(c, "small", 6))).unneeded())
                .as("b has not succeeded: its blobs are not offered").isEmpty();
        assertThat(stores.uploads().delete(a.id()).freed()).as("b refers to a's blob").doesNotContain(BlobKeys.variant(a.id(), "orig"));
        assertThat(stores.uploads().delete(b.id()).freed()).contains(BlobKeys.variant(a.id(), "orig"));
    }

    @Test
    void cleanScanVerdictsAreRememberedPerContentAndEngine() {
        String sha = "aa".repeat(32);
        assertThat(stores.content().scannedClean(sha, "ClamAV 1.4.3/27480")).isFalse();
        stores.content().recordClean(sha, "ClamAV 1.4.3/27480", NOW);
        stores.content().recordClean(sha, "ClamAV 1.4.3/27480", NOW + 1); // again: no harm
        assertThat(stores.content().scannedClean(sha, "ClamAV 1.4.3/27480")).isTrue();
        assertThat(stores.content().scannedClean(sha, "ClamAV 1.4.3/27481")).as("new signatures: scan again").isFalse();
        assertThat(stores.content().scannedClean("bb".repeat(32), "ClamAV 1.4.3/27480")).isFalse();
    }

    // ---- media: variants and subtitles ----

    static Variant variant(Upload u, String name, long size) {
        return new Variant(u.id(), name, "image/jpeg", size, 4, 3, null, "cd".repeat(32), BlobKeys.variant(u.id(), name));
    }

    @Test
    void variantsReplaceByNameCountAsStoredAndHidePlaylistPartsOnAsk() {
        Upload u = created("11", null);
        assertThat(stores.media().putVariants(u.id(), List.of(variant(u, "orig", 100), variant(u, "hls.720p.m3u8", 5))).recorded()).isTrue();
        assertThat(stores.media().putVariants(u.id(), List.of(variant(u, "orig", 40))).recorded()).isTrue();
        assertThat(stores.media().variant(u.id(), "orig").orElseThrow().size()).isEqualTo(40);
        assertThat(stores.media().variants(List.of(u.id()), true)).extracting(Variant::name).containsExactly("hls.720p.m3u8", "orig");
        assertThat(stores.media().variants(List.of(u.id()), false)).extracting(Variant::name).containsExactly("orig");
        assertThat(stores.uploads().usage("11", Quota.epochDay(NOW)).storedBytes()).isEqualTo(45);
        assertThat(stores.media().putVariants(-3, List.of(variant(u, "x", 1))).recorded()).isFalse();
        assertThat(stores.media().variant(u.id(), "nope")).isEmpty();
    }

    @Test
    void subtitleTracksAreOnePerLanguage() {
        Upload video = created("12", null);
        stores.media().putSubtitles(new SubtitleTrack(video.id(), "en", 5, "English"));
        stores.media().putSubtitles(new SubtitleTrack(video.id(), "de", 6, null));
        stores.media().putSubtitles(new SubtitleTrack(video.id(), "en", 7, "English (CC)"));
        assertThat(stores.media().subtitles(video.id())).containsExactly(new SubtitleTrack(video.id(), "de", 6, null),
                new SubtitleTrack(video.id(), "en", 7, "English (CC)"));
        assertThat(stores.media().deleteSubtitles(video.id(), "de")).isTrue();
        assertThat(stores.media().deleteSubtitles(video.id(), "de")).isFalse();
        assertThat(stores.media().subtitles(video.id())).hasSize(1);
    }

    // ---- jobs ----

    Upload queued(String owner) {
        Upload u = created(owner, null);
        done(stores.uploads().putSegment(seg(u, 0, 1), NOW, 10, Quota.NONE));
        return finalized(u, State.PENDING, "process");
    }

    @Test
    void aQueuedJobIsClaimedOnceUntilItsLeaseRunsOut() {
        assertThat(stores.jobs().longestWait(NOW)).as("nothing queued").isEmpty();
        Upload u = queued("13");
        // how long the oldest due job has waited for a worker: what /readyz reports as a stalled queue
        long waited = stores.jobs().longestWait(NOW + 1000).orElseThrow();
        assertThat(waited).isBetween(1000L - 5, 1000L);
        Job job = stores.jobs().claim("a", NOW, NOW + 30).orElseThrow();
        assertThat(job).isEqualTo(new Job(u.id(), "process", 1));
        assertThat(stores.jobs().longestWait(NOW + 10)).as("claimed, its lease running").isEmpty();
        assertThat(stores.jobs().claim("b", NOW + 10, NOW + 40)).isEmpty();
        stores.jobs().extendLease(job, "a", NOW + 60);
        assertThat(stores.jobs().claim("b", NOW + 45, NOW + 75)).isEmpty();
        assertThat(stores.jobs().longestWait(NOW + 70)).as("its worker's lease ran out 10 s ago").hasValue(10);
        Job again = stores.jobs().claim("b", NOW + 60, NOW + 90).orElseThrow(); // a dead worker's job comes back
        assertThat(again.attempts()).isEqualTo(2);
        stores.jobs().complete(again);
        assertThat(stores.jobs().claim("c", NOW + 1000, NOW + 1030)).isEmpty();
    }

    @Test
    void aRetriedJobWaitsAndAFailedOneIsGone() {
        queued("14");
        Job job = stores.jobs().claim("a", NOW, NOW + 30).orElseThrow();
        stores.jobs().retry(job, NOW + 100, "boom");
        assertThat(stores.jobs().claim("a", NOW + 50, NOW + 80)).isEmpty();
        Job second = stores.jobs().claim("a", NOW + 100, NOW + 130).orElseThrow();
        assertThat(second.attempts()).isEqualTo(2);
        stores.jobs().retry(second, null, "for good");
        assertThat(stores.jobs().claim("a", NOW + 10_000, NOW + 10_030)).isEmpty();
    }

    // ---- access ----

    @Test
    void tokensAreFoundByHashAndRevokedById() {
        String hash = "f".repeat(64);
        stores.access().createToken(hash, "user", "15", null, List.of("media.write", "tweet.read"), NOW, NOW + 60);
        var t = stores.access().findToken(hash).orElseThrow();
        assertThat(t.userId()).isEqualTo("15");
        assertThat(t.scopes()).containsExactly("media.write", "tweet.read");
        assertThat(t.expiresAt()).isEqualTo(NOW + 60);
        assertThat(t.revoked()).isFalse();
        assertThat(stores.access().listTokens()).extracting(AccessStore.Token::tokenId).containsExactly(t.tokenId());
        assertThat(stores.access().findToken("e".repeat(64))).isEmpty();
        assertThat(stores.access().revokeToken(t.tokenId())).isEqualTo(1);
        assertThat(stores.access().findToken(hash).orElseThrow().revoked()).isTrue();
        assertThat(stores.access().revokeToken("nothing")).isZero();
    }

    @Test
    void revokingATokenOrAnAppRevokesTheGrantsItMadeAndATokensExpiryEndsThem() {
        stores.access().createToken("d".repeat(64), "user", "42", null, List.of("media.write"), NOW, null);
        String tokenId = stores.access().findToken("d".repeat(64)).orElseThrow().tokenId();
        stores.access().createApp(new AccessStore.App("ck2", "cs", "app", false), NOW);
        stores.grants().create(grant("9101", 5, NOW + 600, null, Credential.token(tokenId, null)), "1".repeat(64));
        stores.grants().create(grant("9102", 5, NOW + 600, null, Credential.oauth1("42-o")), "2".repeat(64));
        stores.grants().create(grant("9103", 5, NOW + 600, "ck2", Credential.token("other", null)), "3".repeat(64));
        stores.grants().create(grant("9104", 5, NOW + 600, null, Credential.token("other", NOW + 10)), "4".repeat(64));
        assertThat(stores.access().revokeToken(tokenId)).isEqualTo(1);
        assertThat(stores.grants().find("9101").orElseThrow().revokedBy()).isEqualTo("token_revoked");
        assertThat(stores.grants().find("9102").orElseThrow().revoked()).as("another token's grant").isFalse();
        assertThat(stores.access().revokeToken("42-o")).isZero(); // no such OAuth 1.0a token, but its grants still go
        assertThat(stores.grants().find("9102").orElseThrow().revokedBy()).isEqualTo("token_revoked");
        assertThat(stores.access().revokeApp("ck2")).isTrue();
        assertThat(stores.grants().find("9103").orElseThrow().revokedBy()).isEqualTo("app_revoked");
        Grant expiring = stores.grants().find("9104").orElseThrow();
        assertThat(expiring.live(NOW + 9)).isTrue();
        assertThat(expiring.live(NOW + 10)).isFalse();
        assertThat(expiring.revokedBy(NOW + 10)).isEqualTo("token_expired");
        Upload u = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(expiring);
        assertThat(refused(stores.uploads().create(u, NOW + 10))).isEqualTo(new Refusal.GrantNotLive("9104"));
        for (String id : List.of("9101", "9102", "9103")) {
            Upload v = upload("42", Category.TWEET_VIDEO, "video/mp4", 10L, NOW + 99).startedWith(stores.grants().find(id).orElseThrow());
            assertThat(refused(stores.uploads().create(v, NOW))).isEqualTo(new Refusal.GrantNotLive(id));
        }
    }

    @Test
    void appsAndOAuth1TokensRoundTrip() {
        var app = new AccessStore.App("ck", "cs", "my app", false);
        stores.access().createApp(app, NOW);
        assertThat(stores.access().findApp("ck")).contains(app);
        var token = new AccessStore.OAuth1Token("16-tok", "secret", "ck", "16", List.of("media.write"), false);
        stores.access().createOAuth1Token(token, NOW);
        assertThat(stores.access().findOAuth1Token("16-tok")).contains(token);
        assertThat(stores.access().revokeToken("16-tok")).isEqualTo(1);
        assertThat(stores.access().findOAuth1Token("16-tok").orElseThrow().revoked()).isTrue();
    }

    @Test
    void nonceRecordsSurviveAndExpire() throws InterruptedException {
        assertThat(stores.nonces().recordNonce("ck", "n1", NOW)).isTrue();
        assertThat(stores.nonces().recordNonce("ck", "n0", NOW - 500)).isTrue();
        if (shared()) assertThat(stores.nonces().recordNonce("ck", "n1", NOW)).as("a shared store catches the replay").isFalse();
        // a single node's store may write them in the background: they are there within a second
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stores.nonces().recentNonces(NOW - 10).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(stores.nonces().recentNonces(NOW - 10)).containsExactly("ck\nn1\n" + NOW);
        stores.nonces().purgeNonces(NOW + 1);
        assertThat(stores.nonces().recentNonces(0)).isEmpty();
    }

    // ---- webhook outbox ----

    @Test
    void aTerminalStateQueuesOneEventPerTargetUntilDelivered() {
        stores.webhooks().targets(List.of("http://a.example/hook", "http://b.example/hook"));
        Upload u = queued("17");
        assertThat(stores.webhooks().claim(NOW + 10_000, 60, 10)).isEmpty(); // pending is not an event
        stores.uploads().updateProcessing(u.id(), State.SUCCEEDED, 100, 0, MediaInfo.NONE, null);
        stores.uploads().updateProcessing(u.id(), State.SUCCEEDED, 100, 0, MediaInfo.NONE, null); // a retried job: no new events
        long later = System.currentTimeMillis() / 1000 + 5;
        List<WebhookEvent> due = stores.webhooks().claim(later, 60, 10);
        assertThat(due).extracting(WebhookEvent::url).containsExactlyInAnyOrder("http://a.example/hook", "http://b.example/hook");
        assertThat(due).allMatch(e -> e.mediaId() == u.id() && e.event().equals("succeeded") && e.attempts() == 0);
        assertThat(stores.webhooks().claim(later, 60, 10)).as("claimed for a minute").isEmpty();
        stores.webhooks().attempted(due.get(0), later, null, null);              // delivered
        stores.webhooks().attempted(due.get(1), later, later + 100, "HTTP 500"); // to be tried again
        assertThat(stores.webhooks().claim(later + 100, 60, 10)).singleElement()
                .satisfies(e -> assertThat(e.attempts()).isEqualTo(1));
        stores.webhooks().purge(later + 1);
        assertThat(stores.uploads().find(u.id())).isPresent();
    }

    // ---- cluster ----

    @Test
    void nodeIdsAreLeasedToOneOwnerAtATime() {
        int a = stores.cluster().leaseNode("a", NOW, NOW + 60).orElseThrow();
        int b = stores.cluster().leaseNode("b", NOW, NOW + 60).orElseThrow();
        assertThat(a).isNotEqualTo(b);
        assertThat(stores.cluster().renewNode(a, "a", NOW + 120)).isTrue();
        assertThat(stores.cluster().renewNode(a, "b", NOW + 120)).isFalse();
        int c = stores.cluster().leaseNode("c", NOW + 100, NOW + 160).orElseThrow(); // b's lease ran out at NOW + 60
        assertThat(c).isEqualTo(b);
        assertThat(stores.cluster().renewNode(b, "b", NOW + 200)).isFalse();
    }

    @Test
    void aSecretIsMadeOnceAndKept() {
        assertThat(stores.cluster().secret("k", () -> "first")).isEqualTo("first");
        assertThat(stores.cluster().secret("k", () -> "second")).isEqualTo("first");
    }

    // ---- metrics ----

    @Test
    void countsAddUpPerHour() throws InterruptedException {
        stores.metrics().count(Map.of(7L, Map.of(100L, Map.of("video_views", 2L), 101L, Map.of("video_views", 1L))));
        stores.metrics().count(Map.of(7L, Map.of(100L, Map.of("video_views", 3L, "playback25", 1L))));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!stores.metrics().metrics(7, 100, 101).equals(Map.of(100L, Map.of("video_views", 5L, "playback25", 1L), 101L,
                Map.of("video_views", 1L))) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(stores.metrics().metrics(7, 100, 101))
                .isEqualTo(Map.of(100L, Map.of("video_views", 5L, "playback25", 1L), 101L, Map.of("video_views", 1L)));
        assertThat(stores.metrics().metrics(7, 102, 200)).isEmpty();
    }

    @Test
    void aHealthyStoreSaysSo() {
        assertThat(stores.healthy()).isTrue();
    }
}
