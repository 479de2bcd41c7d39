package dev.mediaup.it;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A thin HTTP client for the tests: real requests, raw bodies, and checks against X's OpenAPI document. */
public final class Api {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public final String base;
    public final String token;
    /** The Origin every request sends, as a page of that origin would; null: none (an app, a script). */
    public final String origin;

    public Api(String base, String token) {
        this(base, token, null);
    }

    private Api(String base, String token, String origin) {
        this.base = base;
        this.token = token;
        this.origin = origin;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken, origin);
    }

    /** The same client as a page of {@code pageOrigin}: every request says Origin: pageOrigin. */
    public Api from(String pageOrigin) {
        return new Api(base, token, pageOrigin);
    }

    public record Res(int status, String contentType, byte[] body, HttpResponse<byte[]> raw) {
        public byte[] body() {
            return body;
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The error's stable name ({@code error_code}), or null when the answer is not an error. */
        public String code() {
            return status < 400 ? null : json().path("error_code").asString(null);
        }

        public JsonNode data() {
            assertThat(status).as("status of %s", text()).isEqualTo(200);
            return json().get("data");
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    public Res send(String method, String path, String contentType, byte[] body, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (origin != null && Arrays.stream(headers).noneMatch("Origin"::equalsIgnoreCase)) b.header("Origin", origin);
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = r.headers().firstValue("content-type").orElse("");
            List<String> violations = Contract.violations(method, path, r.statusCode(), type, r.body());
            if (!violations.isEmpty()) throw new AssertionError("the response breaks X's OpenAPI document:\n" + String.join("\n", violations));
            return new Res(r.statusCode(), type, r.body(), r);
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(method + " " + path + " failed", e);
        }
    }

    public Res get(String path) {
        return send("GET", path, null, null);
    }

    public Res postJson(String path, String json) {
        return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Res postForm(String path, String urlencoded) {
        return send("POST", path, "application/x-www-form-urlencoded", urlencoded.getBytes(StandardCharsets.UTF_8));
    }

    public Res postMultipart(String path, Multipart mp, String... headers) {
        return send("POST", path, mp.contentType(), mp.bytes(), headers);
    }

    // ---- the protocol, in one line each ----

    public String initialize(String mediaType, String category, long totalBytes) {
        String cat = category == null ? "" : ",\"media_category\":\"" + category + "\"";
        Res r = postJson("/2/media/upload/initialize", "{\"media_type\":\"" + mediaType + "\",\"total_bytes\":" + totalBytes + cat + "}");
        return r.data().get("id").asString();
    }

    public Res append(String id, int index, byte[] bytes) {
        return postMultipart("/2/media/upload/" + id + "/append", new Multipart().field("segment_index", Integer.toString(index)).file("media", null, bytes));
    }

    public Res finalizeUpload(String id) {
        return send("POST", "/2/media/upload/" + id + "/finalize", null, null);
    }

    public Res status(String id) {
        return get("/2/media/upload?command=STATUS&media_id=" + id);
    }

    /** Polls STATUS the way X clients do, honouring check_after_secs, until processing ends. */
    public JsonNode awaitProcessed(String id, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            JsonNode d = status(id).data();
            JsonNode pi = d.get("processing_info");
            if (pi == null || Set.of("succeeded", "failed").contains(pi.get("state").asString())) return d;
            assertThat(pi.get("check_after_secs").asInt()).isGreaterThanOrEqualTo(1);
            if (System.nanoTime() > deadline) throw new AssertionError("still processing: " + d);
            Thread.sleep(200);
        }
    }

    /** A multipart/form-data body, written out as the RFC says (no library on the client side of a test). */
    public static final class Multipart {
        private final String boundary = "----mediaup" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Multipart field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        public Multipart file(String name, String filename, byte[] bytes) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                    + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(bytes);
            write("\r\n");
            return this;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        public byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return all.toByteArray();
        }
    }

    // ---- the contract ----

    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private static JsonNode spec;

    /** X's own OpenAPI document from ../shared/spec (the served copy only if shared/ is absent); read once. */
    public static synchronized JsonNode spec() {
        if (spec == null) spec = readSpec();
        return spec;
    }

    private static JsonNode readSpec() {
        Path shared = Path.of("../../shared/spec/x-api-v2-media.openapi.json");
        try {
            return JSON.readTree(Files.exists(shared) ? Files.readAllBytes(shared)
                    : Objects.requireNonNull(Api.class.getResourceAsStream("/openapi.json")).readAllBytes());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Asserts that a JSON body validates against a component schema of X's document. */
    public static void assertMatchesSchema(JsonNode body, String component) {
        Schema schema = SCHEMAS.computeIfAbsent(component, c -> {
            ObjectNode root = (ObjectNode) spec().deepCopy();
            root.put("$ref", "#/components/schemas/" + c);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root.toString());
        });
        List<Error> errors = schema.validate(body);
        assertThat(errors).as("%s against %s", body, component).isEmpty();
    }

    public static byte[] png(int w, int h) {
        return png(w, h, g -> { });
    }

    /** A PNG of {@code w}×{@code h} with what {@code paint} draws on black. */
    public static byte[] png(int w, int h, java.util.function.Consumer<java.awt.Graphics2D> paint) {
        var img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        paint.accept(g);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return out.toByteArray();
    }

}
