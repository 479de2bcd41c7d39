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
import software.amazon.awssdk.http.apache.ApacheHttpClient;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
    /** Where put bodies are held until they are sent: bounded memory, then local files. */
    private final Spool.Budget spools;
    private final Assembly assembly;

    private S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, Path spool) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix;
        this.spool = spool;
        this.spools = new Spool.Budget(spool);
        this.assembly = new Assembly(s3, bucket, this::object, spools);
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
        // the Apache client streams each body (HttpURLConnection, under the SDK's url-connection client, held every PUT
        // whole on the heap first); one connection per append in flight, up to 256
        var http = ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(5)).maxConnections(256);
        var builder = S3Client.builder().httpClientBuilder(http)
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
        Spool body = spools.open();
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
            else multipart(object, body.file(), size);
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

    /** One object of the pieces, by a multipart upload of server-side copies: see {@link Assembly}. */
    @Override
    public void assemble(String key, List<Piece> pieces) throws IOException {
        assembly.assemble(object(key), pieces);
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
        assembly.close();
        s3.close();
        presigner.close();
    }
}
