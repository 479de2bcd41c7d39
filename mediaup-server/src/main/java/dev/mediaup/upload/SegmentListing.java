package dev.mediaup.upload;

import dev.mediaup.core.Segment;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.SegmentDigests;
import dev.mediaup.store.UploadReads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An upload's segments as its listing shows them, each with its SHA-256. Those not hashed yet (an append hashes only
 * to verify a client's checksum) are read once now and their digests kept, so a listing repeated costs nothing more.
 * Processing hashes every segment before it may drop their bytes, so a segment's bytes are there until it has one.
 */
final class SegmentListing {
    private final UploadReads reads;
    private final SegmentDigests digests;
    private final BlobStore blobs;

    SegmentListing(UploadReads reads, SegmentDigests digests, BlobStore blobs) {
        this.reads = reads;
        this.digests = digests;
        this.blobs = blobs;
    }

    List<Segment> of(long id) {
        List<Segment> segs = reads.segments(id);
        List<Segment> digested = new ArrayList<>();
        List<Segment> listed = new ArrayList<>(segs.size());
        for (Segment s : segs) {
            if (s.sha256() == null) {
                s = hashed(id, s);
                digested.add(s);
            }
            listed.add(s);
        }
        digests.recordDigests(digested);
        return listed;
    }

    private Segment hashed(long id, Segment s) {
        for (int tries = 0; ; tries++) {
            try {
                return s.withSha256(ContentDigest.of(blobs, List.of(s), none -> { }));
            } catch (IOException | UncheckedIOException e) {
                // re-sent since the rows were read: the old blob is deleted and the row names the new one
                int index = s.index();
                String was = s.blobKey();
                Optional<Segment> now = reads.segments(id).stream().filter(x -> x.index() == index).findFirst();
                if (tries == 2 || now.isEmpty() || now.get().blobKey().equals(was)) throw UploadProblems.segmentUnreadable(index);
                s = now.get();
                if (s.sha256() != null) return s;
            }
        }
    }
}
