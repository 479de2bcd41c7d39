package dev.mediaup.upload;

import dev.mediaup.core.Segment;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.SegmentDigests;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of media's whole bytes, as FINALIZE checks a Repr-Digest and processing finds earlier media by, and of
 * single segments, as their listing shows them.
 */
public final class ContentDigest {
    private ContentDigest() {}

    /**
     * One segment's own digest, when its row has it, is the file's; otherwise the segments (or an assembled original's
     * blob) are read once, in order — segments' digests cannot be combined into the file's. A segment whose row has no
     * digest yet is hashed on its own in the same read, and its digest recorded: the bytes may not be kept once the
     * media is processed, and its listing shows it.
     *
     * @throws IOException a blob is missing or cannot be read: our fault, never the media's
     */
    public static String of(BlobStore blobs, List<Segment> segs, SegmentDigests record) throws IOException {
        if (segs.size() == 1 && segs.getFirst().sha256() != null) return segs.getFirst().sha256();
        MessageDigest file = sha256();
        List<Segment> digested = new ArrayList<>();
        byte[] buf = new byte[1 << 16];
        for (Segment s : segs) {
            // a lone segment's digest is the file's: hashed once
            MessageDigest own = s.sha256() == null && segs.size() > 1 ? sha256() : null;
            try (InputStream in = blobs.open(s.blobKey())) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    file.update(buf, 0, n);
                    if (own != null) own.update(buf, 0, n);
                }
            }
            if (own != null) digested.add(s.withSha256(hex(own)));
        }
        String whole = hex(file);
        if (segs.size() == 1) digested.add(segs.getFirst().withSha256(whole));
        record.recordDigests(digested);
        return whole;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }
}
