package dev.mediaup.config;

import java.nio.file.Path;

/**
 * Where the malware scanner listens, parsed from {@code clamd:unix:/run/clamav/clamd.ctl} (clamd's local socket) or
 * {@code clamd:tcp:127.0.0.1:3310}.
 *
 * @param socket the Unix socket's path, or null for TCP
 */
public record ScanUrl(Path socket, String host, int port) {

    public static ScanUrl parse(String url) {
        if (url.startsWith("clamd:unix:") && url.length() > "clamd:unix:".length()) {
            Path p = Path.of(url.substring("clamd:unix:".length()));
            if (!p.isAbsolute()) throw new IllegalArgumentException("--scan clamd:unix: needs an absolute socket path, not " + p);
            return new ScanUrl(p, null, 0);
        }
        if (url.startsWith("clamd:tcp:")) {
            String rest = url.substring("clamd:tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon > 0) {
                try {
                    int port = Integer.parseInt(rest.substring(colon + 1));
                    if (port > 0 && port < 65536) return new ScanUrl(null, rest.substring(0, colon), port);
                } catch (NumberFormatException ignored) {
                    // said below
                }
            }
        }
        throw new IllegalArgumentException("--scan must be clamd:unix:/path/to/clamd.ctl or clamd:tcp:host:port, not " + url);
    }

    @Override
    public String toString() {
        return socket != null ? "clamd:unix:" + socket : "clamd:tcp:" + host + ":" + port;
    }
}
