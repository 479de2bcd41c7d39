import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator of bench/cluster. Moves TOTAL MiB as 64 MiB objects of 8 MiB pieces with CONCURRENCY streams:
 * straight to the S3 server as multipart uploads (mode "direct"), or through mediaup nodes as uploads whose
 * segments are spread round-robin over the given nodes (mode "mediaup": initialize, raw appends, finalize).
 * Prints MiB/s. Usage: java ClusterBench.java direct S3_ENDPOINT BUCKET KEY SECRET TOTAL CONCURRENCY
 *                      java ClusterBench.java mediaup TOKEN TOTAL CONCURRENCY NODE_URL...
 */
public class ClusterBench {
    static final int PIECE = 8 << 20, PIECES = 8;

    public static void main(String[] a) throws Exception {
        byte[] piece = new byte[PIECE];
        new Random(1).nextBytes(piece);
        boolean direct = a[0].equals("direct");
        int total = Integer.parseInt(direct ? a[5] : a[2]), concurrency = Integer.parseInt(direct ? a[6] : a[3]);
        int objects = total / (PIECE / (1 << 20) * PIECES);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> work = new ArrayList<>();
        long t0 = System.nanoTime();
        if (direct) {
            S3Client s3 = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(a[3], a[4])))
                    .endpointOverride(URI.create(a[1])).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
            String bucket = a[2];
            try { s3.createBucket(b -> b.bucket(bucket)); } catch (RuntimeException exists) { }
            for (int w = 0; w < concurrency; w++)
                work.add(pool.submit(() -> {
                    for (int o; (o = next.getAndIncrement()) < objects; ) {
                        String key = "direct/" + o;
                        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                        List<CompletedPart> parts = new ArrayList<>();
                        for (int p = 1; p <= PIECES; p++) {
                            int n = p;
                            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(n), RequestBody.fromBytes(piece)).eTag();
                            parts.add(CompletedPart.builder().partNumber(p).eTag(etag).build());
                        }
                        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
                    }
                    return null;
                }));
        } else {
            String token = a[1];
            List<String> nodes = List.of(a).subList(4, a.length);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int w = 0; w < concurrency; w++)
                work.add(pool.submit(() -> {
                    for (int o; (o = next.getAndIncrement()) < objects; ) {
                        String init = send(http, nodes.get(o % nodes.size()) + "/2/media/upload/initialize", token, "application/json",
                                ("{\"media_type\":\"video/mp4\",\"media_category\":\"tweet_video\",\"total_bytes\":" + (long) PIECE * PIECES + "}").getBytes());
                        String id = init.replaceAll(".*\"id\":\"([0-9]+)\".*", "$1");
                        for (int p = 0; p < PIECES; p++)
                            send(http, nodes.get((o + p) % nodes.size()) + "/2/media/upload/" + id + "/append?segment_index=" + p, token,
                                    "application/octet-stream", piece);
                        send(http, nodes.get((o + 1) % nodes.size()) + "/2/media/upload/" + id + "/finalize", token, "application/json", new byte[0]);
                    }
                    return null;
                }));
        }
        for (Future<?> f : work) f.get();
        pool.shutdown();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%.0f%n", objects * (double) PIECES * PIECE / (1 << 20) / secs);
    }

    static String send(HttpClient http, String url, String token, String type, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }
}
