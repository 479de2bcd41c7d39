package dev.mediaup.upload;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Problem;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.SegmentDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Streams a segment's body into a new blob of its own, durable when {@link #store} returns: bounded as it streams
 * (refused the moment it passes its limit, not after), hashed on another thread when something needs the digest now
 * (the client's checksum to verify; a one-shot upload's SHA-256, the whole file's), refused up front when the store is
 * nearly full. Recording the segment is the caller's: a blob nobody records is deleted by it, or by the orphan sweep
 * after a crash.
 *
 * <p>An append's own SHA-256 is not computed while it streams: on two cores it cost X's clients' 1 MiB appends about a
 * sixth of their speed (docs/benchmarks.md), and nothing needs it then — the segment listing and processing compute it
 * from the stored bytes when they first need it ({@link SegmentDigests}).
 */
final class SegmentWriter {
    private static final Logger log = LoggerFactory.getLogger(SegmentWriter.class);

    private final BlobStore blobs;
    private final Ids ids;
    private final long minFreeBytes;

    SegmentWriter(BlobStore blobs, Ids ids, long minFreeBytes) {
        this.blobs = blobs;
        this.ids = ids;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * A segment written to the blob store: where, how big, its SHA-256 (null when nothing needed it yet) and the digest
     * of the client's checksum algorithm when it sent one.
     */
    record Stored(String key, long size, byte[] sha256, byte[] checked) {}

    /**
     * Streams a body into a new, durable segment blob, refusing it as soon as it passes {@code limit} bytes. A
     * {@code wholeFile} (a one-shot upload) is hashed with SHA-256 as it streams: its digest is the file's. Otherwise it
     * is an append, likely with more segments to come: a store that reserves names ahead gives one it made ready, and
     * makes more for the next.
     */
    Stored store(long uploadId, long limit, long declaredLength, String checkAlgorithm, boolean wholeFile, BodyWriter body) {
        if (blobs.freeBytes() - Math.max(declaredLength, 0) < minFreeBytes) throw UploadProblems.lowOnStorage();
        Supplier<String> newKey = () -> BlobKeys.segment(uploadId, ids.next());
        String key = blobs.capabilities().reserving().filter(r -> !wholeFile)
                .flatMap(r -> r.takeReserved(BlobKeys.prefix(uploadId), newKey)).orElseGet(newKey);
        Failpoint.APPEND_BEFORE_BLOB.hit();
        // a store that hashes what it stores anyway (S3 over plain HTTP signs each payload) hands its SHA-256 over
        var hashing = blobs.capabilities().hashing();
        boolean checksSha256 = "SHA-256".equals(checkAlgorithm); // the client's checksum is the digest the row keeps
        MessageDigest sha = hashing.isPresent() || !(wholeFile || checksSha256) ? null : digest("SHA-256");
        MessageDigest extra = checkAlgorithm == null || checksSha256 ? null : digest(checkAlgorithm);
        MessageDigest[] digests = Stream.of(sha, extra).filter(Objects::nonNull).toArray(MessageDigest[]::new);
        BodyWriter writer = out -> {
            OutputStream limited = new LimitedOutputStream(out, limit, () -> UploadProblems.segmentTooLarge(limit));
            if (digests.length == 0) {
                body.writeTo(limited);
                limited.flush();
                return;
            }
            var o = new OffThreadDigest(limited, digests);
            body.writeTo(o);
            o.flush();
            o.awaitDigests();
        };
        try {
            long size;
            byte[] shaBytes;
            if (hashing.isPresent()) {
                var put = hashing.get().putHashed(key, writer);
                size = put.size();
                shaBytes = put.sha256();
            } else {
                size = blobs.put(key, writer);
                shaBytes = sha == null ? null : sha.digest();
            }
            return new Stored(key, size, shaBytes, extra == null ? shaBytes : extra.digest());
        } catch (IOException e) {
            throw storageFailure(e);
        }
    }

    static Problem storageFailure(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota")) return UploadProblems.outOfStorage();
        return UploadProblems.segmentNotStored();
    }

    void deleteQuietly(String key) {
        try {
            blobs.delete(key);
        } catch (IOException e) {
            log.warn("could not delete blob {}: {}", key, e.toString());
        }
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops a stream at {@code limit} bytes: a segment larger than allowed is refused while it streams, not after. */
    private static final class LimitedOutputStream extends FilterOutputStream {
        private final long limit;
        private final Supplier<Problem> problem;
        private long count;

        LimitedOutputStream(OutputStream out, long limit, Supplier<Problem> problem) {
            super(out);
            this.limit = limit;
            this.problem = problem;
        }

        @Override public void write(int b) throws IOException {
            if (++count > limit) throw problem.get();
            out.write(b);
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (count > limit) throw problem.get();
            out.write(b, off, len);
        }
    }
}
