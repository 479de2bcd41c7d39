package dev.mediaup.upload;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Checked;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.UploadWrites.Finalization;
import dev.mediaup.store.UploadWrites.Original;
import dev.mediaup.store.UploadWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The one owner of what becomes of media once processed, for both paths — inline (FINALIZE waits) and queued (a
 * job): record the outcome (the store queues the webhook in the same transaction), keep the original as one
 * assembled blob or drop it. Order is what makes it crash-safe: rows first, then blobs, so a crash in between leaves
 * only orphans the sweeper removes.
 */
public final class Outcomes {
    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final UploadWrites writes;
    private final BlobStore blobs;
    private final Ids ids;
    private final boolean keepOriginals;

    public Outcomes(UploadWrites writes, BlobStore blobs, Ids ids, boolean keepOriginals) {
        this.writes = writes;
        this.blobs = blobs;
        this.ids = ids;
        this.keepOriginals = keepOriginals;
    }

    /** Whether processing's result is all that is kept of this outcome's media. */
    private boolean dropsOriginal(Processor.Outcome o) {
        return o.replacesOriginal() && !keepOriginals;
    }

    /**
     * Inline path: the upload goes from UPLOADING straight to its final state in the finalizing transaction, with the
     * assembled original recorded there too when it is kept.
     */
    Upload recordInline(Upload u, List<Segment> segs, MediaInfo sniffed, Processor.Outcome o, long now, long expiresAt)
            throws IOException {
        long size = segs.stream().mapToLong(Segment::size).sum();
        if (o.failure() != null && o.failure().rejected()) return rejected(u, segs, o.failure(), now, expiresAt);
        if (o.failure() != null)
            return writes.finalizeUpload(Finalization.failed(u.id(), segs, Original.SEGMENTS, size, sniffed, o.failure(), now, expiresAt))
                    .orElseThrow(UploadProblems::refused);
        boolean drop = dropsOriginal(o);
        var shared = drop ? null : o.sharedOriginal();
        String original = drop ? null : shared != null ? shared.key() : assembled(u.id(), segs);
        if (original != null) Failpoint.INLINE_AFTER_ASSEMBLE.hit();
        MediaInfo info = o.info() == MediaInfo.NONE ? sniffed : o.info();
        Original kept = drop ? Original.DROPPED : original != null ? Original.assembled(original)
                : shared != null ? Original.SHARED_PARTS : Original.SEGMENTS;
        Checked<Upload> recorded;
        try {
            recorded = writes.finalizeUpload(Finalization.succeeded(u.id(), segs, kept, size, info, now, expiresAt));
        } catch (RuntimeException e) {
            if (original != null && shared == null) deleteQuietly(original);
            throw e;
        }
        // not recorded: not needed (unless it is another media's original, shared)
        if (recorded instanceof Checked.Refused<Upload> && original != null && shared == null) deleteQuietly(original);
        Upload done = recorded.orElseThrow(UploadProblems::refused);
        Failpoint.INLINE_AFTER_RECORD.hit();
        // the rows went with the outcome's transaction; the blobs now (a crash here leaves orphans for the sweeper)
        if (drop || original != null || shared != null) dropBlobs(segs);
        return done;
    }

    /**
     * Bytes refused for what they are (not what processing made of them: a grant's type cap, malware): failed, and nothing of
     * them kept — rows in the finalizing transaction, then the blobs (a crash in between leaves orphans for the sweeper).
     */
    Upload rejected(Upload u, List<Segment> segs, Failure why, long now, long expiresAt) {
        long size = segs.stream().mapToLong(Segment::size).sum();
        Upload failed = writes.finalizeUpload(Finalization.failed(u.id(), segs, Original.DROPPED, size, MediaInfo.NONE, why, now,
                expiresAt)).orElseThrow(UploadProblems::refused);
        dropBlobs(segs);
        return failed;
    }

    /** Queued path: a job's processor is done; the kept original is assembled before success is reported. */
    public void recordQueued(Upload u, List<Segment> segs, Processor.Outcome o) throws IOException {
        if (o.failure() != null) {
            writes.updateProcessing(u.id(), State.FAILED, 100, 0, o.info(), o.failure());
            if (o.failure().rejected()) dropOriginal(u.id(), segs); // refused for what they carry: not kept
            return;
        }
        if (!dropsOriginal(o)) keepOriginal(u.id(), segs, o.sharedOriginal());
        writes.updateProcessing(u.id(), State.SUCCEEDED, 100, 0, o.info(), null);
        Failpoint.QUEUED_AFTER_SUCCESS.hit();
        if (dropsOriginal(o)) dropOriginal(u.id(), segs);
    }

    /** A crash came between a job's result and its completion: finish what the result implied. */
    public void resumeSucceeded(Upload u, List<Segment> segs) {
        if (!segs.isEmpty() && !keepOriginals) dropOriginal(u.id(), segs); // queued media (video, GIF) is always replaced
    }

    /** Every attempt of a job failed on our side: the media fails, with what went wrong last. */
    public void recordGivenUp(long id, int attempts, String lastError) {
        writes.updateProcessing(id, State.FAILED, 100, 0, MediaInfo.NONE,
                Failure.internal("Processing failed after " + attempts + " attempts: " + lastError));
    }

    /**
     * The segments of an original that is kept, assembled into one blob where the store does that without the bytes
     * passing through mediaup (an object store: server-side copies): one object to serve, ranged or by presigned URL.
     * Its key, or null where there is nothing to gain: one segment already, or a store that serves files in place.
     */
    private String assembled(long id, List<Segment> segs) throws IOException {
        var assembling = blobs.capabilities().assembling();
        if (segs.size() < 2 || assembling.isEmpty()) return null;
        String key = BlobKeys.assembled(id, ids.next());
        assembling.get().assemble(key, segs.stream().map(s -> new BlobStore.Piece(s.blobKey(), s.size())).toList());
        return key;
    }

    /**
     * For queued processing, before it reports success: an original that is kept becomes one assembled blob. Crash-safe:
     * until it is recorded, the assembled blob is an orphan the sweeper removes, and after it the segment blobs are.
     */
    private void keepOriginal(long id, List<Segment> segs, Processor.SharedOriginal shared) throws IOException {
        String original = shared != null ? shared.key() : assembled(id, segs);
        if (original == null && shared == null) return;
        Failpoint.QUEUED_AFTER_ASSEMBLE.hit();
        // a shared original was recorded by the share (its key again here, or none: its blobs are listed apart)
        if (!writes.setOriginal(id, segs, original)) {
            if (shared == null) deleteQuietly(original);
            return;
        }
        Failpoint.QUEUED_AFTER_SET_ORIGINAL.hit();
        dropBlobs(segs);
    }

    /** Forgets the uploaded bytes once processing made what is served from them: rows first, then blobs. */
    private void dropOriginal(long id, List<Segment> segs) {
        writes.deleteSegments(id);
        Failpoint.QUEUED_MID_DROP.hit();
        dropBlobs(segs);
    }

    /**
     * Deletes the blobs of segments whose rows just changed, but those another row still needs: {@code segs} may be
     * what the store handed out as the media's original — another media's blobs, where it shares them (store once).
     */
    private void dropBlobs(List<Segment> segs) {
        for (String key : writes.unreferenced(segs.stream().map(Segment::blobKey).toList())) deleteQuietly(key);
    }

    private void deleteQuietly(String key) {
        try {
            blobs.delete(key);
        } catch (IOException e) {
            log.warn("could not delete blob {}: {}", key, e.toString());
        }
    }
}
