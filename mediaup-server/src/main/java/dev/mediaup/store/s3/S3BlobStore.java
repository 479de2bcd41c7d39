package dev.mediaup.store.s3;

import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Failpoint;
import dev.mediaup.store.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blobs as objects in an S3-compatible store (AWS S3, MinIO, Ceph RGW, R2, s3proxy…), one object per key: a segment,
 * a variant. A put holds the bytes in memory (segment-sized bodies, within a fixed budget) or spools them to a local
 * temporary file, uploads them — in one PUT, or as a multipart upload above 64 MiB — and returns once the store has
 * acknowledged it, which S3 defines as durable. Reads are ranged GETs. Several nodes share the bucket; nothing here is node-local.
 */
public final class S3BlobStore implements BlobStore, BlobStore.Presigning, BlobStore.Assembling, BlobStore.Hashing {
    private static final long PART = 64L << 20;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Path spool;

    private S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, Path spool) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix;
        this.spool = spool;
    }

    /** Objects can be presigned (redirected delivery), assembled by server-side copies, and come back hashed by the SDK. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.NONE.withPresigning(this).withAssembling(this).withHashing(this);
    }

    /**
     * Where the objects live: a bucket (created if it does not exist yet), a key prefix ("" or ending in "/"), the
     * endpoint of an S3-compatible server (null for AWS), and keys (null: the AWS default chain — AWS_ACCESS_KEY_ID…,
     * profiles, instance roles — supplies credentials).
     */
    public record Location(String bucket, String prefix, String endpoint, String region, boolean pathStyle, String accessKey,
                           String secretKey) {}

    public static S3BlobStore open(Location at, Path spool) throws IOException {
        AwsCredentialsProvider creds = at.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(at.accessKey(), at.secretKey() == null ? "" : at.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(at.region());
        boolean pathStyle = at.pathStyle();
        var builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(5)))
                .region(region).credentialsProvider(creds).forcePathStyle(pathStyle)
                // plain PUTs with Content-Length: what every S3-compatible server understands (no aws-chunked trailers)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // a signed payload in one piece, not aws-chunked: the SDK hashes each body once (not chunk by chunk,
                // through a slow per-chunk path), and every S3-compatible server understands it
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new CatchSignedHash()));
        var presign = S3Presigner.builder().region(region).credentialsProvider(creds)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (at.endpoint() != null) {
            builder.endpointOverride(URI.create(at.endpoint()));
            presign.endpointOverride(URI.create(at.endpoint()));
        }
        S3Client s3 = builder.build();
        String bucket = at.bucket();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw new IOException("bucket " + bucket + " is not usable: " + e.getMessage(), e);
            s3.createBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw new IOException("the object store at " + (at.endpoint() == null ? "AWS" : at.endpoint()) + " is not reachable: "
                    + e.getMessage(), e);
        }
        Files.createDirectories(spool);
        return new S3BlobStore(s3, presign.build(), bucket, at.prefix(), spool);
    }

    /** Spooled bodies whose upload a crash interrupted (the store never saw them complete). */
    @Override
    public void removeTornWrites() throws IOException {
        try (var files = Files.list(spool)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
    }

    /** Multipart uploads a crash or a failed request left open (they hold parts no one can see). */
    @Override
    public void removeAbandoned(long before) throws IOException {
        try {
            for (MultipartUpload m : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads())
                if (m.initiated() != null && m.initiated().getEpochSecond() < before)
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(m.key()).uploadId(m.uploadId()));
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
    }

    private String object(String key) {
        if (!key.matches("[a-z0-9]+(/[a-z0-9][a-z0-9._-]*)*") || key.contains("..")) throw new IllegalArgumentException("bad blob key "
                + key);
        return prefix + key;
    }

    @Override
    public long put(String key, BodyWriter writer) throws IOException {
        return upload(key, writer, false).size();
    }

    @Override
    public Hashed putHashed(String key, BodyWriter writer) throws IOException {
        return upload(key, writer, true);
    }

    /** The SHA-256 the SDK signed a request's payload with (hex), caught as the request leaves. */
    private static final ExecutionAttribute<AtomicReference<String>> SIGNED = new ExecutionAttribute<>("mediaup.signed-sha256");

    private static final class CatchSignedHash implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            AtomicReference<String> to = attributes.getAttribute(SIGNED);
            if (to != null) context.httpRequest().firstMatchingHeader("x-amz-content-sha256").ifPresent(to::set);
        }
    }

    private Hashed upload(String key, BodyWriter writer, boolean hash) throws IOException {
        String object = object(key);
        Spool body = new Spool();
        try {
            try (body) {
                writer.writeTo(body);
            }
            long size = body.size();
            Failpoint.S3_BEFORE_PUT.hit();
            AtomicReference<String> signed = new AtomicReference<>();
            if (size <= PART)
                s3.putObject(b -> b.bucket(bucket).key(object).overrideConfiguration(o -> o.putExecutionAttribute(SIGNED, signed)),
                        body.request());
            else multipart(object, body.file, size);
            Failpoint.S3_AFTER_PUT.hit();
            if (!hash) return new Hashed(size, null);
            // over plain HTTP the SDK hashed the payload to sign it; over HTTPS (unsigned payload) it is hashed here
            String hex = signed.get();
            if (hex != null && hex.matches("[0-9a-f]{64}")) return new Hashed(size, HexFormat.of().parseHex(hex));
            var sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = body.read()) {
                in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
            }
            return new Hashed(size, sha.digest());
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            body.discard();
        }
    }

    private static final int MEMORY_BODY = 16 << 20, CHUNK = 1 << 20;
    /** At most a quarter of the heap (and 8 bodies) held at once. */
    private final Semaphore memory = new Semaphore(
            (int) Math.max(0, Math.min(8, Runtime.getRuntime().maxMemory() / 4 / MEMORY_BODY)));

    /**
     * Bytes in 1 MiB chunks up to MEMORY_BODY while it holds a slot of the fixed memory budget, then (or without a
     * slot, from the first byte) in a local temporary file, the chunks written out first: memory stays bounded either
     * way. {@link #discard} gives back the slot and the file.
     */
    private final class Spool extends OutputStream {
        private final boolean slot = memory.tryAcquire();
        private final int limit = slot ? MEMORY_BODY : 0;
        private boolean discarded;
        private final List<byte[]> chunks = new ArrayList<>();
        private int last; // bytes used in the last chunk
        private long size;
        Path file;
        private OutputStream out;

        long size() { return size; }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (out == null && size + len > limit) {
                file = Files.createTempFile(spool, "put", ".tmp");
                out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
                for (int i = 0; i < chunks.size(); i++) out.write(chunks.get(i), 0, i == chunks.size() - 1 ? last : CHUNK);
                chunks.clear();
            }
            size += len;
            if (out != null) {
                out.write(b, off, len);
                return;
            }
            while (len > 0) {
                if (chunks.isEmpty() || last == CHUNK) {
                    chunks.add(new byte[CHUNK]);
                    last = 0;
                }
                int n = Math.min(len, CHUNK - last);
                System.arraycopy(b, off, chunks.getLast(), last, n);
                last += n;
                off += n;
                len -= n;
            }
        }

        /** The held bytes as a request body (the SDK may read them twice: to sign the payload, then to send it). */
        RequestBody request() {
            return file != null ? RequestBody.fromFile(file) : RequestBody.fromContentProvider(this::held, size,
                    "application/octet-stream");
        }

        /** The held bytes, wherever they are. */
        InputStream read() throws IOException {
            return file != null ? Files.newInputStream(file) : held();
        }

        private InputStream held() {
            List<InputStream> parts = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) parts.add(new ByteArrayInputStream(chunks.get(i), 0, i == chunks.size() - 1 ? last
                    : CHUNK));
            return new SequenceInputStream(Collections.enumeration(parts));
        }

        @Override
        public void close() throws IOException {
            if (out != null) out.close();
        }

        void discard() throws IOException {
            if (discarded) return;
            discarded = true;
            close();
            if (file != null) Files.deleteIfExists(file);
            if (slot) memory.release();
        }
    }

    private void multipart(String object, Path file, long size) throws IOException {
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(object)).uploadId();
        try (var ch = FileChannel.open(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            for (long off = 0; off < size; off += PART) {
                long n = Math.min(PART, size - off);
                int number = parts.size() + 1;
                InputStream in = Channels.newInputStream(ch.position(off));
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(object).uploadId(id).partNumber(number).contentLength(n),
                        RequestBody.fromInputStream(in, n)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(id).multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(id));
            } catch (RuntimeException ignored) {
                // the bucket's lifecycle rule for incomplete uploads cleans up what this could not
            }
            throw e;
        }
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
    @Override
    public void assemble(String key, List<Piece> pieces) throws IOException {
        String object = object(key);
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
                String source = object(p.key());
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
                    if (gathered == null) gathered = new Spool();
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
        Spool body = new Spool();
        try {
            read(source, from, n, body);
            return sendPart(object, id, number, body);
        } finally {
            body.discard();
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return open(key, 0);
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        try {
            return s3.getObject(b -> {
                b.bucket(bucket).key(object(key));
                if (offset > 0) b.range("bytes=" + offset + "-");
            });
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key, null, "missing from the object store");
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(object(key)));
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteAll(String keyPrefix) throws IOException {
        // one DELETE per object: multi-object delete needs Content-MD5 on some S3-compatible servers and CRC on others
        for (Entry e : list(keyPrefix)) delete(e.key());
    }

    @Override
    public List<Entry> list(String keyPrefix) throws IOException {
        try {
            List<Entry> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(object(keyPrefix) + "/")).contents())
                if (!o.key().endsWith("/")) // "directory" markers some stores list
                    out.add(new Entry(o.key().substring(prefix.length()), o.lastModified().getEpochSecond()));
            return out;
        } catch (SdkException e) {
            throw new IOException("object store: " + e.getMessage(), e);
        }
    }

    @Override
    public long freeBytes() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean healthy() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    @Override
    public URI presign(String key, Duration ttl, String contentType) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                        .getObjectRequest(g -> g.bucket(bucket).key(object(key)).responseContentType(contentType)))
                .url().toString());
    }

    @Override
    public void close() {
        copies.shutdownNow();
        s3.close();
        presigner.close();
    }
}
