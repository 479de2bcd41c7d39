package dev.mediaup.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A validating proxy for clients that are not ours to instrument — twitter-api-v2, X's xdk, curl, the Java SDK: they
 * talk to this proxy, it forwards each request to mediaup unchanged and checks every response against X's document
 * ({@link Contract}) on its way back. The test then asserts {@link #violations()} is empty. The server must
 * run with {@code --public-base-url} set to {@link #baseUrl()} so OAuth 1.0a signatures and media URLs name the proxy,
 * as they would behind any reverse proxy.
 */
final class ContractProxy implements AutoCloseable {
    /** Headers the JDK client sets itself or that belong to one hop only (RFC 9110 §7.6.1). */
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "expect", "upgrade", "transfer-encoding",
            "keep-alive", "te", "trailer", "proxy-connection", "date");

    private final HttpServer http;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicLong checked = new AtomicLong();
    private volatile String target;

    ContractProxy() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::forward);
        http.start();
    }

    /** Where clients should point: the proxy. */
    String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Where requests go on: set once mediaup is up (it needs the proxy's address first). */
    ContractProxy to(String targetBaseUrl) {
        this.target = targetBaseUrl;
        return this;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many responses were judged by X's document (a run that checked none proves nothing). */
    long checked() {
        return checked.get();
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String pathAndQuery = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            boolean hasBody = length != null ? Long.parseLong(length) > 0 : ex.getRequestHeaders().containsKey("Transfer-encoding");
            InputStream in = ex.getRequestBody();
            HttpRequest.BodyPublisher body = !hasBody ? HttpRequest.BodyPublishers.noBody()
                    : length != null ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> in), Long.parseLong(length))
                    : HttpRequest.BodyPublishers.ofInputStream(() -> in);
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + pathAndQuery)).method(method, body).timeout(Duration.ofMinutes(5));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> req.header(name, v));
            });
            HttpResponse<byte[]> res;
            try {
                res = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            String contentType = res.headers().firstValue("Content-Type").orElse(null);
            List<String> found = Contract.violations(method, pathAndQuery, res.statusCode(), contentType, res.body());
            if (isXOperation(method, pathAndQuery)) checked.incrementAndGet();
            violations.addAll(found);
            res.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) ex.getResponseHeaders().put(name, values);
            });
            byte[] bytes = res.body();
            boolean noBody = method.equals("HEAD") || res.statusCode() == 204 || res.statusCode() == 304;
            if (method.equals("HEAD")) res.headers().firstValue("Content-Length").ifPresent(l -> ex.getResponseHeaders().set("Content-Length", l));
            ex.sendResponseHeaders(res.statusCode(), noBody ? -1 : bytes.length == 0 ? -1 : bytes.length);
            if (!noBody && bytes.length > 0)
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
        } catch (IOException | RuntimeException e) {
            violations.add("proxy: " + ex.getRequestMethod() + " " + ex.getRequestURI() + " could not be forwarded: " + e);
            throw e;
        }
    }

    private static boolean isXOperation(String method, String pathAndQuery) {
        return pathAndQuery.startsWith("/2/media") && !Contract.EXTENSIONS.contains(pathAndQuery.replaceFirst("[?#].*$", ""));
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
