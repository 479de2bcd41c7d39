package dev.mediaup.store;


import dev.mediaup.core.Checked;
import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;

import java.util.List;
import java.util.Optional;

/**
 * The upload's life, written: created, segments recorded, concatenated or abandoned, finalized, processed, described.
 * Every method is one transaction; a method that returns has committed durably. Check-and-write methods
 * ({@link #putSegment}, {@link #finalizeUpload}) check the upload rules of {@code core} and write atomically, so
 * concurrent appends and several nodes cannot break the invariants the protocol promises; a refused one returns the
 * {@link Refusal} and has changed nothing.
 */
public interface UploadWrites {

    /**
     * Records a new upload. One started with a grant ({@link Upload#grantId}) claims one of the grant's uses in the same
     * transaction, and is refused (nothing recorded) when the grant is revoked, expired or used up by then.
     */
    Checked<Upload> create(Upload upload, long now);

    /** A recorded segment: the upload as it now stands and the blob this one replaced (the caller deletes it). */
    record SegmentPut(Upload upload, Optional<String> replacedBlob) {}

    /**
     * Records a segment if the upload still takes bytes ({@link Upload#appendRefusal}), the new sum of its segments
     * stays within {@code maxTotal} and the owner's {@code quota} allows it.
     */
    Checked<SegmentPut> putSegment(Segment segment, long now, long maxTotal, Quota quota);

    /**
     * tus: records {@code segment} as the upload's next one, provided no segment has its index yet and the segments
     * hold exactly {@code offset} bytes — checked under the upload's row lock, so of two PATCHes at one offset only one
     * lands, whichever nodes took them; the other is refused with the offset as it now stands.
     */
    Checked<SegmentPut> putSegmentAt(Segment segment, long offset, long now, long maxTotal, Quota quota);

    /**
     * tus concatenation: the partial uploads' segments become the final upload's, in order, in one transaction — no
     * byte is copied — provided each partial still takes bytes and holds exactly its declared length; the partials end
     * (expired, holding nothing). Refused, with nothing changed, otherwise.
     */
    Checked<Upload> concatenate(long finalId, List<Long> partialIds, long now);

    /**
     * Gives an upload that was started without a length ({@code total_bytes} unknown: tus's deferred length, a resumable
     * HTTP upload) its length, once: the same length again is accepted and changes nothing; another one, or one below
     * the bytes its segments already hold, is refused with {@link Refusal.LengthConflict}.
     */
    Checked<Upload> declareLength(long id, long length, long now);

    /**
     * Ends one unfinalized upload's session now (tus termination by a grant's bearer): EXPIRED, its segments left to
     * the sweeper like any expired session's, the row kept so the grant still lists it. False (nothing changed) when it
     * was finalized or had ended already.
     */
    boolean abandon(long id, long now);

    /**
     * What FINALIZE records, made by name: the upload, the segment list it validated ({@code manifest}), what becomes of
     * the uploaded bytes ({@code original}), the state it reaches with what was learned or why it failed, the job to
     * queue for media processed later, and the new session window.
     */
    record Finalization(long id, List<Segment> manifest, Original original, State state, long size, MediaInfo info,
                        Failure failure, String jobKind, long now, long expiresAt) {
        /** The bytes are not what they must be: failed, with why. */
        public static Finalization failed(long id, List<Segment> manifest, Original original, long size, MediaInfo info,
                                          Failure failure, long now, long expiresAt) {
            return new Finalization(id, manifest, original, State.FAILED, size, info, failure, null, now, expiresAt);
        }

        /** Processed while FINALIZE waited (pictures, subtitles, models): succeeded. */
        public static Finalization succeeded(long id, List<Segment> manifest, Original original, long size, MediaInfo info,
                                             long now, long expiresAt) {
            return new Finalization(id, manifest, original, State.SUCCEEDED, size, info, null, null, now, expiresAt);
        }

        /** Processed later by a job of {@code jobKind} (video, GIF): pending, the segments kept for the job. */
        public static Finalization queued(long id, List<Segment> manifest, long size, MediaInfo info, String jobKind, long now,
                                          long expiresAt) {
            return new Finalization(id, manifest, Original.SEGMENTS, State.PENDING, size, info, null, jobKind, now, expiresAt);
        }
    }

    /**
     * Moves an UPLOADING upload to its finalized state (and enqueues a job when {@code jobKind} is set), provided its
     * segments are still exactly {@code manifest} — the list finalize validated — so a concurrent append cannot slip
     * between the check and the state change. {@code original} says what becomes of the uploaded bytes, in the same
     * transaction: kept as segments, kept as one assembled blob, or dropped (rows gone, usage given back; the caller
     * deletes the blobs afterwards, and a crash before it leaves orphans the sweeper removes, never rows that keep
     * bytes nobody wanted). A terminal state queues the webhook events in the same transaction too.
     */
    Checked<Upload> finalizeUpload(Finalization f);

    /** What finalizing records about the uploaded bytes: see {@link #finalizeUpload}. */
    record Original(String assembledKey, boolean dropped, boolean shared) {
        /** The segments stay, and are the original. */
        public static final Original SEGMENTS = new Original(null, false, false);
        /** Processing's result is all that is kept. */
        public static final Original DROPPED = new Original(null, true, false);
        /** Another media's original, in several blobs, was recorded as this media's too (store once): it stays so. */
        public static final Original SHARED_PARTS = new Original(null, false, true);

        /** The segments assembled into blob {@code key} (or another media's one blob) hold the original from now on. */
        public static Original assembled(String key) {
            return new Original(key, false, false);
        }
    }

    /**
     * Records that blob {@code key} (the segments assembled) holds the original's bytes from now on — or, null, that
     * another media's blobs shared with it do — provided the segments are still exactly {@code manifest}; false (and
     * nothing changed) otherwise.
     */
    boolean setOriginal(long id, List<Segment> manifest, String key);

    /**
     * Processing results: state, progress, when to look again, and what was learned. A terminal state (succeeded,
     * failed) also queues the webhook events, in the same transaction.
     */
    void updateProcessing(long id, State state, int progress, int checkAfterSecs, MediaInfo info, Failure failure);

    /** Replaces the owner-set metadata (alt text and the like); empty when there is no such upload. */
    Optional<Upload> setMetadata(long id, String metadataJson);

    /**
     * Forgets an upload's segments and assembled original (expired, or an original processing replaced); their blobs
     * are deleted next.
     */
    void deleteSegments(long uploadId);

    /**
     * Those of {@code keys} that no row needs any more — what may be deleted of blobs whose rows just changed: a blob
     * may also be another media's (store once), which keeps it.
     */
    List<String> unreferenced(List<String> keys);
}
