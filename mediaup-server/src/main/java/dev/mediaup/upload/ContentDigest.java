package dev.mediaup.upload;

import dev.mediaup.core.Segment;
import dev.mediaup.store.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The SHA-256 of media's whole bytes, as FINALIZE checks a Repr-Digest and processing finds earlier media by. */
public final class ContentDigest {
    private ContentDigest() {}

    /**
     * One segment's own digest, recorded as its bytes arrived, is the file's; more segments (or an assembled original,
     * which has none recorded) are read once, in order — their digests cannot be combined into the file's.
     *
     * @throws IOException a blob is missing or cannot be read: our fault, never the media's
     */
    public static String of(BlobStore blobs, List<Segment> segs) throws IOException {
        if (segs.size() == 1 && segs.getFirst().sha256() != null) return segs.getFirst().sha256();
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = blobs.openAll(segs.stream().map(Segment::blobKey).toList())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // openAll opens the next blob lazily: its failure arrives unchecked
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
