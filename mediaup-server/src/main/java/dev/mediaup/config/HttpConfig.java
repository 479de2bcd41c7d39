package dev.mediaup.config;

import java.time.Duration;
import java.util.List;

/**
 * The listeners and what the HTTP layer promises about time.
 *
 * @param v11Port       a second listener, for clients that hard-code an upload host; null for none
 * @param publicBaseUrl scheme://host[:port] clients use when a proxy sits in front (OAuth 1.0a signs the URL); null: each request's
 * @param drain         on SIGTERM, how long requests in flight may take to finish
 * @param deliveryUrlTtl lifetime of the signed delivery URLs in Media objects
 * @param redirect      object store: answer deliveries with a presigned URL valid this long; zero streams through the server
 * @param corsOrigins   browser origins the API answers CORS for ("*": any); empty: none (browsers on other origins are refused)
 * @param tusPath       where the tus protocol lives (its uploads are {@code tusPath/{id}})
 */
public record HttpConfig(String host, int port, Integer v11Port, String publicBaseUrl, Duration drain, Duration deliveryUrlTtl,
                         Duration redirect, List<String> corsOrigins, String tusPath) {

    public static HttpConfig defaults() {
        return new HttpConfig("127.0.0.1", 8080, null, null, Duration.ofSeconds(30), Duration.ofDays(1), Duration.ZERO, List.of(),
                "/files");
    }

    void validate(Problems p) {
        p.check(port >= 0 && port <= 65535, "--port must be 0..65535, not " + port);
        p.check(v11Port == null || (v11Port > 0 && v11Port <= 65535), "--v11-port must be 1..65535, not " + v11Port);
        p.check(publicBaseUrl == null || publicBaseUrl.matches("https?://[^/?#]+/*"),
                "--public-base-url must be scheme://host[:port], not " + publicBaseUrl);
        p.nonNegative(drain, "--drain-secs");
        p.positive(deliveryUrlTtl, "--delivery-url-ttl-secs");
        p.nonNegative(redirect, "--redirect-secs");
        p.check(tusPath.matches("(/[a-z0-9_-]+)+") && !tusPath.startsWith("/2/") && !tusPath.startsWith("/1.1/")
                && !tusPath.startsWith("/media/") && !List.of("/2", "/media", "/healthz", "/readyz", "/metrics").contains(tusPath),
                "--tus-path must be a path of its own such as /files (lower-case words), not " + tusPath);
        for (String o : corsOrigins)
            p.check(o.equals("*") || o.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?"),
                    "--cors-origins takes origins as browsers send them (scheme://host[:port], no path) or *, not " + o);
    }
}
