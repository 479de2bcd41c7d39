package dev.mediaup.upload;

import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.SegmentDigests;
import dev.mediaup.store.UploadReads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a client declared about the whole file when it started an upload (RFC 9530 Repr-Digest: its SHA-256), and what
 * that buys: FINALIZE proves the bytes against it (end-to-end integrity for resumable clients), and an owner who
 * already holds media made from exactly those bytes may finalize without sending them. Holding is asked of the
 * owner's own media only: whether someone else has the bytes is never told (it would let anyone who knows a file's
 * digest learn that it is stored here).
 */
final class DeclaredContent {
    private final UploadReads reads;
    private final SegmentDigests digests;
    private final BlobStore blobs;
    private final Processor processor;

    DeclaredContent(UploadReads reads, SegmentDigests digests, BlobStore blobs, Processor processor) {
        this.reads = reads;
        this.digests = digests;
        this.blobs = blobs;
        this.processor = processor;
    }

    /**
     * What held media gives an upload finalized over it: its size, what processing learned of it, and its original
     * where originals are kept (else null).
     */
    record Held(long size, MediaInfo info, Processor.SharedOriginal original) {}

    /**
     * Media of the upload's owner made from exactly the bytes its Repr-Digest names (and as many as its total_bytes,
     * when given) under the recipe it would be processed by. Not for a grant's bearer, who uploads what a browser has.
     */
    Optional<Upload> held(Principal who, Upload u) {
        if (who.viaGrant() || u.declaredSha256() == null) return Optional.empty();
        OptionalLong source = processor.held(u);
        if (source.isEmpty()) return Optional.empty();
        return reads.find(source.getAsLong())
                .filter(s -> s.size() != null && (u.totalBytes() == null || u.totalBytes().equals(s.size())));
    }

    /** The held media's variants given to the upload (shared, not copied); empty when none is held (or it just went). */
    Optional<Held> shareHeld(Principal who, Upload u) {
        return held(who, u).flatMap(source -> processor.share(u, source.id())
                .map(o -> new Held(source.size(), o.info(), o.sharedOriginal())));
    }

    /** At FINALIZE, before anything changes: the bytes are the ones the Repr-Digest declared, or a 400 says which differ. */
    void check(Upload u, List<Segment> segs) {
        if (u.declaredSha256() == null) return;
        String actual;
        try {
            actual = ContentDigest.of(blobs, segs, digests);
        } catch (IOException | UncheckedIOException e) {
            throw UploadProblems.segmentsUnreadable();
        }
        if (!u.declaredSha256().equals(actual)) throw UploadProblems.digestMismatch(u.declaredSha256(), actual);
    }
}
