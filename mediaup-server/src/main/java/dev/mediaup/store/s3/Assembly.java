package dev.mediaup.store.s3;

import dev.mediaup.core.Failpoint;
import dev.mediaup.store.BlobStore.Piece;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * An upload's segment objects made into one object inside the store (a kept original: one ranged GET or one presigned
 * redirect), by one S3 multipart upload whose large parts the store copies itself — the bytes of segments of 5 MiB or
 * more never pass through mediaup again.
 */
final class Assembly implements AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    /** A blob key's object name (the configured prefix before it). */
    private final UnaryOperator<String> objectName;
    private final Spool.Budget spools;

    Assembly(S3Client s3, String bucket, UnaryOperator<String> object, Spool.Budget spools) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectName = object;
        this.spools = spools;
    }

    /** S3's smallest part (every part but the last). */
    static final long MIN_PART = 5L << 20;
    /** The most one UploadPartCopy copies here (S3 allows 5 GiB; smaller copies run in parallel). */
    private static final long MAX_COPY = 1L << 30;
    private final ExecutorService copies = Executors.newFixedThreadPool(4,
            Thread.ofPlatform().daemon().name("s3-copy-", 0).factory());

    /**
     * One multipart upload: a piece of at least {@link #MIN_PART} bytes becomes a part the store copies itself
     * (UploadPartCopy, in parallel); smaller pieces — and, next to them, just enough of a large piece's head to make
     * {@link #MIN_PART} — are read and sent as parts of their own. So segments of 5 MiB or more never pass through
     * mediaup again, and of small segments at most one part's worth is held at a time.
     */
    void assemble(String object, List<Piece> pieces) throws IOException {
        String id;
        try {
            id = s3.createMultipartUpload(b -> b.bucket(bucket).key(object)).uploadId();
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
        Failpoint.S3_ASSEMBLE_AFTER_CREATE.hit();
        List<Future<CompletedPart>> parts = new ArrayList<>();
        Spool gathered = null;
        try {
            for (Piece p : pieces) {
                String source = objectName.apply(p.key());
                long pos = 0;
                if (gathered != null) {
                    pos = Math.min(p.size(), MIN_PART - gathered.size());
                    read(source, 0, pos, gathered);
                    if (gathered.size() >= MIN_PART) {
                        parts.add(CompletableFuture.completedFuture(sendPart(object, id, parts.size() + 1, gathered)));
                        gathered.discard();
                        gathered = null;
                    }
                }
                long rest = p.size() - pos;
                if (rest >= MIN_PART) { // nothing gathered here: copy the rest inside the store
                    while (rest > 0) {
                        long n = rest <= MAX_COPY + MIN_PART ? rest : MAX_COPY, from = pos;
                        int number = parts.size() + 1;
                        parts.add(copies.submit(() -> copyPart(source, from, n, object, id, number)));
                        pos += n;
                        rest -= n;
                    }
                } else if (rest > 0) {
                    if (gathered == null) gathered = spools.open();
                    read(source, pos, rest, gathered);
                }
            }
            if (gathered != null) {
                parts.add(CompletableFuture.completedFuture(sendPart(object, id, parts.size() + 1, gathered)));
                gathered.discard();
            }
            List<CompletedPart> done = new ArrayList<>();
            for (var f : parts) done.add(f.get());
            Failpoint.S3_ASSEMBLE_BEFORE_COMPLETE.hit();
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(id).multipartUpload(m -> m.parts(done)));
        } catch (IOException | RuntimeException | InterruptedException | ExecutionException e) {
            parts.forEach(f -> f.cancel(true));
            if (gathered != null) gathered.discard();
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(id));
            } catch (RuntimeException ignored) {
                // the bucket's lifecycle rule for incomplete uploads cleans up what this could not
            }
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof IOException io) throw io;
            throw new IOException("object store: " + cause.getMessage(), cause);
        }
    }

    private void read(String source, long from, long n, Spool into) throws IOException {
        if (n == 0) return;
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(source).range("bytes=" + from + "-" + (from + n - 1)))) {
            in.transferTo(into);
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
    }

    private CompletedPart sendPart(String object, String id, int number, Spool body) throws IOException {
        body.close();
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(object).uploadId(id).partNumber(number).contentLength(body.size()),
                body.request()).eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private CompletedPart copyPart(String source, long from, long n, String object, String id, int number) throws IOException {
        try {
            String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(object)
                    .uploadId(id).partNumber(number).copySourceRange("bytes=" + from + "-" + (from + n - 1))).copyPartResult().eTag();
            return CompletedPart.builder().partNumber(number).eTag(etag).build();
        } catch (S3Exception e) {
            if (e.statusCode() != 501) throw e;
        }
        // a store without server-side copies (501 Not Implemented): the bytes come through here after all
        Spool body = spools.open();
        try {
            read(source, from, n, body);
            return sendPart(object, id, number, body);
        } finally {
            body.discard();
        }
    }

    @Override
    public void close() {
        copies.shutdownNow();
    }
}
