package dev.mediaup.cli;

import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.boot.Backends;
import dev.mediaup.boot.Server;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.store.MetadataStores;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The training run behind the JDK's ahead-of-time cache (JEP 483/514/515): with {@code MEDIAUP_AOT=1},
 * {@code bin/mediaup} runs this command once per jar under {@code -XX:AOTCacheOutput}, then starts every JVM with the
 * cache it left. What the cache holds is what this run did — the classes it loaded and linked, and the profiles of the
 * methods it ran hot — so a fresh server starts with its request paths already known to the JIT instead of learning
 * them from its first thousands of requests (a cold 1 MiB append ran at ~0.6× its warm speed; docs/benchmarks.md).
 * Hence the workload is the traffic real clients send: X's initialize, 1 MiB multipart appends (twitter-api-v2), 4–8
 * MiB ones (the SDK), base64 JSON appends, tus PATCHes, FINALIZE of a picture, STATUS, lookups and delivery — against
 * a real server on a throwaway data dir, over loopback HTTP. Video is left out: ffmpeg runs in its own process.
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the workload the JDK's AOT cache is recorded from (bin/mediaup runs it for MEDIAUP_AOT=1).")
final class TrainCommand implements Callable<Integer> {
    private static final int MIB = 1 << 20;
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(\\d+)\"");
    private static final Pattern KEY = Pattern.compile("\"media_key\"\\s*:\\s*\"([0-9_]+)\"");

    @Option(names = "--data-dir", required = true, description = "A throwaway directory (emptied first).")
    Path dataDir;
    @Option(names = "--rounds", defaultValue = "3", description = "How many times the workload runs.")
    int rounds;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final byte[] bytes = new byte[8 * MIB];
    private String base;
    private String auth;

    @Override
    public Integer call() throws Exception {
        clear(dataDir);
        Files.createDirectories(dataDir);
        new Random(1).nextBytes(bytes);
        ServeConfig config = ServeCommand.parse(Map.of(), "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(),
                "--rate-limits", "upload=1000000000/900,status=1000000000/900", "--tus-path", "/files");
        try (MetadataStores stores = Backends.metadata(config.storage())) {
            var tokens = new OpaqueTokens(stores.access(), Main::now);
            auth = "Bearer " + tokens.createUserToken("1", List.of("media.write", "tweet.read"), null);
        }
        try (Server server = Server.start(config)) {
            base = "http://127.0.0.1:" + server.port();
            byte[] png = png();
            for (int r = 0; r < rounds; r++) {
                IntStream.range(0, 4).parallel().forEach(t -> run(this::initializes));
                appends(64, MIB);
                appends(8, 8 * MIB);
                jsonAppends(16, 256 * 1024);
                tus(32, MIB);
                for (int i = 0; i < 10; i++) picture(png);
            }
        } finally {
            clear(dataDir);
        }
        System.err.println("mediaup: training run done");
        return 0;
    }

    private void initializes() throws IOException {
        for (int i = 0; i < 500; i++) initialize("image/png", "tweet_image", 1000);
    }

    private String initialize(String type, String category, long total) throws IOException {
        var body = "{\"media_type\":\"" + type + "\",\"media_category\":\"" + category + "\",\"total_bytes\":" + total + "}";
        return match(ID, send(post("/2/media/upload/initialize", "application/json", BodyPublishers.ofString(body))));
    }

    /** Sequential multipart appends, the way twitter-api-v2 and X's SDK send them. */
    private void appends(int count, int size) throws IOException {
        String id = initialize("video/mp4", "tweet_video", (long) count * size);
        for (int i = 0; i < count; i++) {
            String boundary = "mediauptrain" + i;
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n" + i + "\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"media\"\r\nContent-Type: application/octet-stream\r\n\r\n";
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            var body = BodyPublishers.concat(BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.US_ASCII)),
                    BodyPublishers.ofByteArray(bytes, 0, size), BodyPublishers.ofByteArray(tail));
            send(post("/2/media/upload/" + id + "/append", "multipart/form-data; boundary=" + boundary, body));
        }
    }

    private void jsonAppends(int count, int size) throws IOException {
        String id = initialize("video/mp4", "tweet_video", (long) count * size);
        String media = Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, size));
        for (int i = 0; i < count; i++) {
            var body = "{\"segment_index\":" + i + ",\"media\":\"" + media + "\"}";
            send(post("/2/media/upload/" + id + "/append", "application/json", BodyPublishers.ofString(body)));
        }
    }

    private void tus(int count, int size) throws IOException {
        String meta = "filetype " + Base64.getEncoder().encodeToString("video/mp4".getBytes(StandardCharsets.UTF_8));
        var created = exchange(HttpRequest.newBuilder(URI.create(base + "/files")).header("Authorization", auth)
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", String.valueOf((long) count * size))
                .header("Upload-Metadata", meta).POST(BodyPublishers.noBody()).build());
        String location = URI.create(base + "/files/").resolve(created.headers().firstValue("Location").orElseThrow()).toString();
        for (int i = 0; i < count; i++) {
            exchange(HttpRequest.newBuilder(URI.create(location)).header("Authorization", auth).header("Tus-Resumable", "1.0.0")
                    .header("Upload-Offset", String.valueOf((long) i * size)).header("Content-Type", "application/offset+octet-stream")
                    .method("PATCH", BodyPublishers.ofByteArray(bytes, 0, size)).build());
            exchange(HttpRequest.newBuilder(URI.create(location)).header("Authorization", auth).header("Tus-Resumable", "1.0.0")
                    .method("HEAD", BodyPublishers.noBody()).build());
        }
    }

    /** A small picture all the way: one-segment upload, FINALIZE (processed inline), STATUS, lookups, delivery. */
    private void picture(byte[] png) throws IOException {
        String id = initialize("image/png", "tweet_image", png.length);
        var body = "{\"segment_index\":0,\"media\":\"" + Base64.getEncoder().encodeToString(png) + "\"}";
        send(post("/2/media/upload/" + id + "/append", "application/json", BodyPublishers.ofString(body)));
        String key = match(KEY, send(post("/2/media/upload/" + id + "/finalize", null, BodyPublishers.noBody())));
        send(get("/2/media/upload?command=STATUS&media_id=" + id));
        send(get("/2/media/" + key + "?media.fields=variants,preview_image_url,width,height"));
        send(get("/2/media?media_keys=" + key));
        send(get("/media/" + key + "/small"));
    }

    private HttpRequest post(String path, String contentType, HttpRequest.BodyPublisher body) {
        var b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).POST(body);
        if (contentType != null) b.header("Content-Type", contentType);
        return b.build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).GET().build();
    }

    private String send(HttpRequest request) throws IOException {
        return exchange(request).body();
    }

    private HttpResponse<String> exchange(HttpRequest request) throws IOException {
        try {
            var response = http.send(request, BodyHandlers.ofString());
            // a refused request would train the error path instead of the one users take: stop, loudly
            if (response.statusCode() >= 300) {
                throw new IOException(request.method() + " " + request.uri().getPath() + ": " + response.statusCode() + " "
                        + response.body());
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String match(Pattern p, String body) throws IOException {
        Matcher m = p.matcher(body);
        if (!m.find()) throw new IOException("unexpected answer: " + body);
        return m.group(1);
    }

    private static void clear(Path dir) throws IOException {
        if (Files.exists(dir)) PathUtils.deleteDirectory(dir);
    }

    private static byte[] png() throws IOException {
        var image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) image.setRGB(x, y, (x * 7) ^ (y * 13) << 8);
        }
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void run(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
