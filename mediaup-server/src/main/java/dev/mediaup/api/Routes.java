package dev.mediaup.api;

import dev.mediaup.admin.AdminService;
import dev.mediaup.api.delivery.DeliveryApi;
import dev.mediaup.api.resumable.Arrivals;
import dev.mediaup.api.resumable.Resumable;
import dev.mediaup.api.tus.Tus;
import dev.mediaup.api.v11.V11;
import dev.mediaup.api.v2.AdminApi;
import dev.mediaup.api.v2.GrantsApi;
import dev.mediaup.api.v2.MediaApi;
import dev.mediaup.api.v2.V2Api;
import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.Dialect;
import dev.mediaup.api.wire.RequestSchemas;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.auth.Authenticator;
import dev.mediaup.auth.TokenVerifier;
import dev.mediaup.config.AuthConfig.ConsoleSignIn;
import dev.mediaup.config.LimitsConfig.RateFamily;
import dev.mediaup.core.MediaKey;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Unavailable;
import dev.mediaup.media.MediaService;
import dev.mediaup.upload.GrantService;
import dev.mediaup.upload.TusUploads;
import dev.mediaup.upload.UploadService;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP surface. The route table below reads like X's API reference; each handler translates its wire dialect
 * into one UploadService call and renders the answer. No SQL, no files, no state of its own.
 */
public final class Routes {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final String PRINCIPAL = "mediaup.principal";
    /** The pages mediaup serves (/docs): scripts and everything else from this origin only, never in a frame. */
    static final Map<String, String> PAGE_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                    + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
            "X-Frame-Options", "DENY", "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer");
    /**
     * The console's policy: the pages' own policy, plus what it plays and signs in with — media from blob: URLs (hls.js
     * feeds the player through Media Source Extensions), the issuer's token endpoint, and, when deliveries redirect to
     * presigned object-store URLs, any http(s) origin for media and the player's fetches.
     */
    private static Map<String, String> consoleHeaders(ConsoleSignIn signIn, String publicBaseUrl, boolean redirects) {
        Set<String> connect = new LinkedHashSet<>(List.of("'self'"));
        if (publicBaseUrl != null) connect.add(publicBaseUrl);
        if (signIn.enabled()) connect.add(URI.create(signIn.tokenUrl()).resolve("/").toString().replaceAll("/$", ""));
        String elsewhere = redirects ? " http: https:" : ""; // presigned object-store URLs
        // where pictures and video come from besides this origin
        String media = elsewhere + (publicBaseUrl == null ? "" : " " + publicBaseUrl);
        var headers = new LinkedHashMap<>(PAGE_HEADERS);
        headers.put("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:"
                + media + "; media-src 'self' blob:" + media + "; connect-src " + String.join(" ", connect) + elsewhere
                + "; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
        return Map.copyOf(headers);
    }

    /** What the console needs to know before anyone signs in: how to sign in with the issuer, if it can. */
    private void consoleConfig(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (signIn.enabled())
            body.put("sign_in", Wire.ordered("authorize_url", signIn.authorizeUrl(), "token_url", signIn.tokenUrl(), "client_id",
                    signIn.clientId(), "scopes", signIn.scopes()));
        ctx.header("Cache-Control", "no-store").contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }


    private final UploadService uploads;
    private final Authenticator auth;
    private final RateLimits limits;
    private final String publicBaseUrl;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<List<Check>> ready;

    /**
     * One line of /readyz: {@code down} is null when the thing works, else why not. An {@code essential} one down
     * makes the node unready (503: take it out of rotation); processing down only degrades it (uploads, lookups and
     * delivery still work, and video jobs wait until processing can run), so it stays in rotation.
     */
    public record Check(String name, boolean essential, String down) {}
    private final byte[] openapi;
    private final MediaApi media;
    private final DeliveryApi delivery;
    private final V11 v11;
    private final GrantsApi grants;
    private final Tus tus;
    private final Resumable resumable;
    private final Arrivals arrivals = new Arrivals();
    private final V2Api v2;
    private final AdminApi admin;
    private final ConsoleSignIn signIn;
    private final Map<String, String> consoleHeaders;
    private final String tusPath;

    /** {@code publicBaseUrl}: the scheme://host[:port] clients use (behind a TLS proxy), or null to take it from each request. */
    public Routes(UploadService uploads, TusUploads tusUploads, GrantService grantService, AdminService adminService,
                  MediaService mediaService, Authenticator auth, RateLimits limits,
                  String publicBaseUrl, PrometheusMeterRegistry metrics, Supplier<List<Check>> ready, long v11MaxAppendBytes,
                  String tusPath, ConsoleSignIn signIn, boolean redirects) {
        this.uploads = uploads;
        this.auth = auth;
        this.limits = limits;
        this.publicBaseUrl = publicBaseUrl == null ? null : publicBaseUrl.replaceAll("/+$", "");
        this.metrics = metrics;
        this.ready = ready;
        try (InputStream in = Routes.class.getResourceAsStream("/openapi.json")) {
            this.openapi = Objects.requireNonNull(in, "openapi.json resource").readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var schemas = new RequestSchemas(openapi);
        this.media = new MediaApi(mediaService, this::origin, ctx -> ctx.attribute(PRINCIPAL), schemas);
        this.delivery = new DeliveryApi(mediaService, this::origin);
        this.v11 = new V11(uploads, mediaService, Routes::writer, v11MaxAppendBytes);
        this.grants = new GrantsApi(grantService, Routes::writer, schemas);
        this.tusPath = tusPath;
        this.tus = new Tus(uploads, tusUploads, mediaService, Routes::writer, this::origin, tusPath);
        this.resumable = new Resumable(uploads, tusUploads, mediaService, Routes::writer, this::origin);
        this.v2 = new V2Api(uploads, Routes::writer, schemas);
        this.admin = new AdminApi(adminService, uploads, ctx -> ctx.attribute(PRINCIPAL), schemas);
        this.signIn = signIn;
        this.consoleHeaders = consoleHeaders(signIn, this.publicBaseUrl, redirects);
    }

    /** What the HTTP connectors tell of each connection they accept (resumable uploads order requests by it). */
    public Arrivals arrivals() {
        return arrivals;
    }

    public void install(JavalinConfig config) {
        config.http.compressionStrategy = CompressionStrategy.NONE; // replies are a few hundred bytes of JSON
        var r = config.routes;
        filters(r);
        xApi(r);
        delivery(r);
        olderDialects(r);
        servicePages(r);
        errors(r);
        r.after(ctx -> metrics.timer("mediaup.http", "route", route(ctx), "status", Integer.toString(ctx.statusCode()))
                .record(System.nanoTime() - (long) ctx.attribute("mediaup.t0"), TimeUnit.NANOSECONDS));
    }

    /** The clock for the request timer, then who is calling (tus checks its version header first). */
    private void filters(RoutesConfig r) {
        r.before(ctx -> {
            ctx.attribute("mediaup.t0", System.nanoTime());
            arrivals.date(ctx);
        });
        r.before("/2/*", this::authenticate);
        r.before(Dialect.V11_PREFIX + "*", this::authenticate);
        r.before(tusPath, tus::before);
        r.before(tusPath + "/*", tus::before);
        r.before(tusPath, this::authenticate);
        r.before(tusPath + "/*", this::authenticate);
    }

    /** X's v2 media endpoints, with mediaup's extensions beside them. */
    private void xApi(RoutesConfig r) {
        r.post("/2/media/upload/initialize", v2::initialize);
        r.post("/2/media/upload/{id}/append", v2::append);
        r.post("/2/media/upload/{id}/finalize", v2::finalizeUpload);
        r.get("/2/media/upload/{id}/segments", v2::segments);          // extension: resume support
        r.get("/2/media/upload/{id}/events", v2::events);              // extension: STATUS as Server-Sent Events
        r.post("/2/media/upload/grants", grants::create);                // extension: upload grants for browsers and apps
        r.get("/2/media/upload/grants", grants::list);
        r.get("/2/media/upload/grants/{id}", grants::get);
        r.delete("/2/media/upload/grants/{id}", grants::revoke);
        r.get("/2/media/upload", v2::status);                          // STATUS (command optional)
        // one-shot, or the INIT/APPEND/FINALIZE command form; a raw file's body is resumable HTTP's (with the draft's headers)
        r.post("/2/media/upload", ctx -> { if (Resumable.takes(ctx)) resumable.create(ctx); else v2.upload(ctx); });
        resumable.install(r);                                            // extension: the upload resources of resumable HTTP

        admin.install(r);                                                // extension: usage, and /2/admin/* for the admin scope
        r.get("/2/media/{media_key}/variants", media::files);            // extension: every file delivery serves, signed
        r.get("/2/media/mine", media::mine);                             // extension: the caller's media, newest first
        r.get("/2/media/analytics", media::analytics);
        r.post("/2/media/subtitles", ctx -> media.attachSubtitles(ctx, writer(ctx)));
        r.delete("/2/media/subtitles", ctx -> media.detachSubtitles(ctx, writer(ctx)));
        r.get("/2/media/{media_key}", media::lookupOne);
        r.get("/2/media", media::lookupMany);                            // ?media_keys=k1,k2
        r.post("/2/media/metadata", ctx -> media.metadata(ctx, writer(ctx)));
        r.delete("/2/media/{media_key}", ctx -> media.delete(ctx, writer(ctx))); // extension: owner only, bytes removed
    }

    /** The files themselves: by signed URL or the owner's credentials. */
    private void delivery(RoutesConfig r) {
        r.get("/media/{media_key}/{variant}", ctx -> delivery.deliver(ctx, optionalPrincipal(ctx), false));
        r.head("/media/{media_key}/{variant}", ctx -> delivery.deliver(ctx, optionalPrincipal(ctx), true));
        r.post("/media/{media_key}/{variant}/events", this::beacon);      // playback beacon for analytics
    }

    private void olderDialects(RoutesConfig r) {
        // the retired v1.1 API, for twitter4j, tweepy and old bots: the same engine, v1.1's wire
        r.post("/1.1/media/upload.json", v11::upload);
        r.get("/1.1/media/upload.json", v11::status);
        r.post("/1.1/media/metadata/create.json", v11::metadata);
        r.post("/1.1/media/subtitles/create.json", ctx -> v11.subtitles(ctx, true));
        r.post("/1.1/media/subtitles/delete.json", ctx -> v11.subtitles(ctx, false));

        tus.install(r); // tus 1.0 for tus-js-client, Uppy and friends: the same engine, tus's wire
    }

    /** The API's document and its pages, the console, health and metrics. */
    private void servicePages(RoutesConfig r) {
        r.get("/2/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
        // /docs: Swagger UI (a webjar from Maven Central, served from the jar) over that document; "Try it out" calls
        // this server. A strict policy: no inline script, nothing framed, nothing fetched from elsewhere
        StaticFiles.serve(r, "/webjars", "/META-INF/resources/webjars", Map.of("X-Content-Type-Options", "nosniff"), true);
        StaticFiles.serve(r, "/docs", "/web/docs", PAGE_HEADERS, false);
        // /console: the web console, plain ES modules and CSS from the jar, its libraries (hls.js, uPlot) from webjars;
        // it speaks only the public API above, with the token in the tab's session storage (never a cookie)
        r.get("/console/config.json", this::consoleConfig);
        StaticFiles.serve(r, "/console", "/web/console", consoleHeaders, false);
        operations(r);
    }

    /** A worker node's only listener: health, readiness and metrics (anything else: X's 404). */
    public void installOperations(JavalinConfig config) {
        config.http.compressionStrategy = CompressionStrategy.NONE;
        operations(config.routes);
        errors(config.routes);
    }

    private void operations(RoutesConfig r) {
        r.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
        r.get("/readyz", this::readyz);
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    /** Every failure in the dialect of the request that met it. */
    private void errors(RoutesConfig r) {
        r.exception(Problem.class, (p, ctx) -> Dialect.of(ctx).render(ctx, p));
        // a backend failed and nothing was recorded: the client may retry
        r.exception(Unavailable.class, (u, ctx) -> Dialect.of(ctx).render(ctx, Problems.unavailable(u)));
        r.exception(Exception.class, (e, ctx) -> {
            log.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            Dialect.of(ctx).render(ctx, Problems.internal());
        });
        // Javalin's own 404/405 (no route matched) become X-style problems too; our own 404 problems pass through
        r.error(404, ctx -> {
            String ct = Objects.requireNonNullElse(ctx.res().getContentType(), "");
            if (isProblem(ctx) || (Dialect.of(ctx) == Dialect.V1_1 && ct.startsWith("application/json"))) return;
            Dialect.of(ctx).render(ctx, Problems.noSuchEndpoint(ctx.method().name(), ctx.path()));
        });
        r.error(405, ctx -> { if (!isProblem(ctx)) Wire.problem(ctx, Problems.methodNotAllowed(ctx.method().name(), ctx.path())); });
    }

    /**
     * The route template the request matched ("/2/media/upload/{id}/append"), never the raw path (one series per
     * route, however many ids); "unmatched" when no route took it. In an after-handler, ctx.endpoint() is that handler's
     * own "*": the matched HTTP endpoint is asked for instead.
     */
    private static String route(Context ctx) {
        try {
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            return e == null ? "unmatched" : e.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static boolean isProblem(Context ctx) {
        String ct = ctx.res().getContentType();
        return ct != null && ct.startsWith(Wire.PROBLEM_JSON);
    }

    // ---- auth ----

    private void authenticate(Context ctx) {
        // the document is public; a CORS preflight carries no credentials by design (the plugin answers it)
        if (ctx.path().equals("/2/openapi.json") || ctx.method() == HandlerType.OPTIONS) return;
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (Bodies.mime(ctx).equals("application/x-www-form-urlencoded")) {
            // OAuth 1.0a signs form fields: read them now, keep them for the handler (v1.1 forms carry base64 media: larger)
            byte[] body = Bodies.small(ctx, Dialect.of(ctx) == Dialect.V1_1 ? v11.maxFormBody() : Bodies.MAX_SMALL_BODY);
            ctx.attribute(Bodies.FORM_BODY, body);
            for (String[] p : Bodies.formPairs(body)) form.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
        }
        Principal p;
        try {
            p = auth.authenticate(new TokenVerifier.Request(ctx.header("Authorization"), ctx.method().name(), baseUrl(ctx),
                    ctx.queryParamMap(), form));
        } catch (Problem e) {
            limits.consume(ctx, "ip:" + ctx.ip(), RateFamily.ANONYMOUS); // 401s are counted (and answered with headers) too
            throw e;
        }
        limits.consume(ctx, p.limitKey(), family(ctx));
        if (p.viaGrant()) confineGrant(ctx, p);
        ctx.attribute(PRINCIPAL, p);
    }

    /**
     * A grant's bearer (a browser, an app) may, from an origin the grant lists, drive uploads — X's upload endpoints
     * and tus — and look up and describe (alt text) what it uploaded; nothing else: no listings, deletes, subtitles,
     * analytics, v1.1 or grants of its own. Which media is the engine's check (only the grant's own uploads).
     */
    private void confineGrant(Context ctx, Principal p) {
        String origin = ctx.header("Origin");
        if (!p.grant().allowsOrigin(origin)) throw UploadProblems.grantOrigin(p.grant().id(), origin);
        String path = ctx.path(), method = ctx.method().name();
        boolean upload = path.startsWith("/2/media/upload") && !path.startsWith("/2/media/upload/grants");
        boolean tus = path.equals(tusPath) || path.startsWith(tusPath + "/");
        String one = path.startsWith("/2/media/") ? path.substring("/2/media/".length()) : null;
        boolean lookup = method.equals("GET") && (path.equals("/2/media") || MediaKey.wellFormed(one));
        boolean metadata = method.equals("POST") && path.equals("/2/media/metadata");
        if (!upload && !tus && !lookup && !metadata) throw UploadProblems.grantOnlyUploads();
    }

    private static RateFamily family(Context ctx) {
        if (!ctx.method().name().equals("GET")) return RateFamily.UPLOAD;
        return ctx.path().startsWith("/2/media/upload") ? RateFamily.STATUS : RateFamily.READ;
    }

    /** The URL the client addressed, as OAuth 1.0a signs it: scheme://host[:port]/path, default ports omitted. */
    private String baseUrl(Context ctx) {
        return origin(ctx) + ctx.path();
    }

    /** scheme://host[:port] as clients see this server (configured, or from the request). */
    private String origin(Context ctx) {
        return publicBaseUrl != null ? publicBaseUrl : Wire.origin(ctx);
    }

    /**
     * The playback beacon writes counters, so it is limited like any other call: by the caller's credentials when it
     * brings some (the read family), else by address (the unauthenticated family), with the same headers.
     */
    private void beacon(Context ctx) {
        Principal who = optionalPrincipal(ctx);
        if (who != null) limits.consume(ctx, who.limitKey(), RateFamily.READ);
        else limits.consume(ctx, "ip:" + ctx.ip(), RateFamily.ANONYMOUS);
        delivery.beacon(ctx, who);
    }

    /** Delivery takes credentials when given, but never asks for them: without, only a signed URL opens the bytes. */
    private Principal optionalPrincipal(Context ctx) {
        if (ctx.header("Authorization") == null) return null;
        try {
            return auth.authenticate(new TokenVerifier.Request(ctx.header("Authorization"), ctx.method().name(), baseUrl(ctx),
                    ctx.queryParamMap(), Map.of()));
        } catch (Problem e) {
            return null;
        }
    }

    /** Every endpoint here is an upload endpoint: X requires a user context with media.write for all of them, STATUS included. */
    private static Principal writer(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p.appOnly())
            throw Problems.appOnlyCannotUpload();
        if (!p.has("media.write"))
            throw Problems.missingScope("media.write");
        return p;
    }

    /**
     * {"status":"ready","checks":{"database":"up","blobs":"up","processing":"up"}}; 503 "unavailable" when the
     * database or the blobs are down, 200 "degraded" when only processing is; "reasons" says why for each one down.
     */
    private void readyz(Context ctx) {
        List<Check> checks = ready.get();
        boolean ok = checks.stream().noneMatch(c -> c.essential() && c.down() != null);
        Map<String, String> named = new LinkedHashMap<>(), reasons = new LinkedHashMap<>();
        for (Check c : checks) {
            named.put(c.name(), c.down() == null ? "up" : "down");
            if (c.down() != null) reasons.put(c.name(), c.down());
        }
        Object body = reasons.isEmpty() ? Wire.ordered("status", "ready", "checks", named)
                : Wire.ordered("status", ok ? "degraded" : "unavailable", "checks", named, "reasons", reasons);
        ctx.status(ok ? 200 : 503).contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }
}
