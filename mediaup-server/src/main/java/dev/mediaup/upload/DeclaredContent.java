package dev.mediaup.upload;

import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.UploadReads;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
    private final BlobStore blobs;
    private final Processor processor;

    DeclaredContent(UploadReads reads, BlobStore blobs, Processor processor) {
        this.reads = reads;
        this.blobs = blobs;
        this.processor = processor;
    }

    /**
     * What held media gives an upload finalized over it: its size, what processing learned of it, and its original's
     * blob where originals are kept and that is one blob (else null).
     */
    record Held(long size, MediaInfo info, String originalKey) {}

    /**
     * Media of the upload's owner made from exactly the bytes its Repr-Digest names (and as many as its total_bytes,
     * when given) under the recipe it would be processed by. Not for a grant's bearer, who uploads what a browser has.
     */
    OptionalLong held(Principal who, Upload u) {
        if (who.viaGrant() || u.declaredSha256() == null) return OptionalLong.empty();
        OptionalLong source = processor.held(u);
        if (source.isEmpty()) return source;
        Optional<Upload> s = reads.find(source.getAsLong());
        boolean sized = s.isPresent() && s.get().size() != null && (u.totalBytes() == null || u.totalBytes().equals(s.get().size()));
        return sized ? source : OptionalLong.empty();
    }

    /** The held media's variants given to the upload (shared, not copied); empty when none is held (or it just went). */
    Optional<Held> shareHeld(Principal who, Upload u) {
        OptionalLong source = held(who, u);
        if (source.isEmpty()) return Optional.empty();
        long size = reads.find(source.getAsLong()).map(Upload::size).orElse(0L);
        return processor.share(u, source.getAsLong()).map(o -> new Held(size, o.info(), o.sharedOriginal()));
    }

    /** At FINALIZE, before anything changes: the bytes are the ones the Repr-Digest declared, or a 400 says which differ. */
    void check(Upload u, List<Segment> segs) {
        if (u.declaredSha256() == null) return;
        // one segment's digest is the file's; more are read once, in order (their digests cannot be combined)
        String actual = segs.size() == 1 ? segs.getFirst().sha256() : digest(segs);
        if (!u.declaredSha256().equals(actual)) throw UploadProblems.digestMismatch(u.declaredSha256(), actual);
    }

    private String digest(List<Segment> segs) {
        try (InputStream in = blobs.openAll(segs.stream().map(Segment::blobKey).toList())) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | UncheckedIOException e) {
            throw UploadProblems.segmentsUnreadable();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
