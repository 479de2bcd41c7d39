package dev.mediaup.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pages and their libraries, served from the jar: {@code /docs} and {@code /console} (our files) and
 * {@code /webjars} (Swagger UI, hls.js, uPlot). Read through the class loader, which reads the jar it already has open.
 * Javalin's classpath static files would mount the jar as a zip file system per location, each holding an index of
 * all 22,000 entries of the jar for the life of the process: about 75 MB, a third of a 256 MiB heap, for a few files.
 */
final class StaticFiles {
    // the names a request may ask for: no "..", no empty or hidden segments, nothing but plain characters
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "json", "application/json", "map",
            "application/json", "png", "image/png", "svg", "image/svg+xml", "ico", "image/x-icon");

    private StaticFiles() {}

    /**
     * Serves {@code hostedPath} and everything under it from the class path directory {@code directory} (a directory's
     * index.html for the path itself), with {@code headers} on every answer; {@code immutable}: versioned paths, cached
     * for a year, else revalidated each time.
     */
    static void serve(RoutesConfig r, String hostedPath, String directory, Map<String, String> headers, boolean immutable) {
        Handler h = ctx -> {
            String rest = ctx.path().substring(hostedPath.length());
            if (rest.startsWith("/")) rest = rest.substring(1);
            if (rest.isEmpty()) rest = "index.html";
            URL url = SAFE.matcher(rest).matches() ? StaticFiles.class.getResource(directory + "/" + rest) : null;
            URLConnection c = url == null ? null : url.openConnection();
            if (c == null || directory(c)) {
                ctx.status(404).contentType("text/plain").result("Not found");
                return;
            }
            send(ctx, c, rest, headers, immutable);
        };
        for (String p : new String[]{hostedPath, hostedPath + "/", hostedPath + "/<path>"}) {
            r.get(p, h);
            r.head(p, h);
        }
    }

    /** A directory of the jar (or, running from classes, of the file system): nothing to serve. */
    private static boolean directory(URLConnection c) throws IOException {
        if (c instanceof JarURLConnection j) return j.getJarEntry() == null || j.getJarEntry().isDirectory();
        try {
            return c.getURL().getProtocol().equals("file") && Files.isDirectory(Path.of(c.getURL().toURI()));
        } catch (URISyntaxException e) {
            return true;
        }
    }

    private static void send(Context ctx, URLConnection c, String name, Map<String, String> headers, boolean immutable) throws IOException {
        headers.forEach(ctx::header);
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        ctx.header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
        if (ctx.method().name().equals("HEAD")) {
            ctx.header("Content-Length", Long.toString(c.getContentLengthLong()));
            return;
        }
        ctx.result(c.getInputStream()); // Javalin streams and closes it
    }
}
