package dev.mediaup.api;

import io.javalin.plugin.bundled.CorsPlugin;

import java.util.ArrayList;
import java.util.List;

/**
 * CORS for the API, off unless origins are configured: browsers on those origins may call X's endpoints,
 * v1.1 and tus with a bearer token or an upload grant. Javalin's plugin answers the preflight (it reflects the
 * requested method and headers, so Authorization, Content-Type, checksum and tus headers all pass) and sets
 * {@code Access-Control-Max-Age}; an origin not listed gets no CORS headers at all, which is how a browser is refused.
 * No credentials mode: mediaup's credentials are bearer tokens, never cookies. Delivery URLs answer {@code *} on their
 * own (they are signed, and meant for any page).
 */
public final class Cors {
    /** What a browser script may read from a response: rate-limit headroom, where an upload lives, tus offsets. */
    static final List<String> EXPOSED = List.of("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "Retry-After",
            "Location", "Upload-Offset", "Upload-Length", "Upload-Expires", "Upload-Metadata", "Upload-Concat", "Tus-Resumable",
            "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm", "Mediaup-Media-Id", "Mediaup-Media-Key",
            "Upload-Complete", "Upload-Limit", "Upload-Draft-Interop-Version", "Upload-Defer-Length", "Mediaup-Content-Held");
    /** A day: browsers cap it lower anyway (Chromium at 2 h), and the policy changes only with a restart. */
    static final int MAX_AGE_SECS = 86_400;
    static final List<String> PATHS = List.of("/2/*", "/1.1/*");

    private Cors() {}

    /** The plugin for {@code origins} ("*" allows any) on the API and tus at {@code tusPath}, or null when there are none. */
    public static CorsPlugin plugin(List<String> origins, String tusPath) {
        if (origins.isEmpty()) return null;
        List<String> paths = new ArrayList<>(PATHS);
        paths.addAll(List.of(tusPath, tusPath + "/*"));
        return new CorsPlugin(cors -> {
            for (String path : paths)
                cors.addRule(rule -> {
                    rule.path = path;
                    rule.maxAge = MAX_AGE_SECS;
                    if (origins.contains("*")) rule.anyHost();
                    else rule.allowHost(origins.getFirst(), origins.subList(1, origins.size()).toArray(String[]::new));
                    EXPOSED.forEach(rule::exposeHeader);
                });
        });
    }
}
