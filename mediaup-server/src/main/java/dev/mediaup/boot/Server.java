package dev.mediaup.boot;

import dev.mediaup.api.RateLimits;
import dev.mediaup.api.Routes;
import dev.mediaup.api.Wire;
import dev.mediaup.auth.Authenticator;
import dev.mediaup.auth.Jwt;
import dev.mediaup.auth.OAuth1;
import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.auth.TokenVerifier;
import dev.mediaup.config.HttpConfig;
import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.events.Webhooks;
import dev.mediaup.media.MediaService;
import dev.mediaup.processing.Ffmpeg;
import dev.mediaup.processing.JobWorkers;
import dev.mediaup.processing.Processing;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MetadataStores;
import dev.mediaup.upload.Ids;
import dev.mediaup.upload.Outcomes;
import dev.mediaup.upload.Sweeper;
import dev.mediaup.upload.UploadService;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * The one place that builds a running server from its config: stores, then the engine (uploads, processing, media,
 * auth), then the HTTP routes and the background loops. It takes them down in the reverse order.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Javalin app;
    private final MetadataStores stores;
    private final BlobStore blobs;
    private final JobWorkers workers;
    private final Ffmpeg ffmpeg;
    private final Webhooks webhooks;
    private final BackgroundLoops loops;
    private final MediaService media;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(Javalin app, MetadataStores stores, BlobStore blobs, JobWorkers workers, Ffmpeg ffmpeg, Webhooks webhooks,
                   BackgroundLoops loops, MediaService media) {
        this.app = app;
        this.stores = stores;
        this.blobs = blobs;
        this.workers = workers;
        this.ffmpeg = ffmpeg;
        this.webhooks = webhooks;
        this.loops = loops;
        this.media = media;
    }

    public static Server start(ServeConfig config) throws IOException {
        config.validate();
        var storage = config.storage();
        Files.createDirectories(storage.dataDir());
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);

        MetadataStores stores = Backends.metadata(storage);
        BlobStore blobs = Backends.blobs(storage);
        blobs.removeTornWrites();
        LongSupplier clock = () -> System.currentTimeMillis() / 1000;
        String nodeOwner = "node-" + UUID.randomUUID();
        var ids = new Ids(BackgroundLoops.leaseNodeId(stores.cluster(), nodeOwner, clock.getAsLong()));

        ProcessingConfig p = config.processing();
        var ffmpeg = new Ffmpeg(p.ffmpeg(), new Ffmpeg.Limits(p.ffmpegTimeout().toSeconds(), 2 * p.ffmpegTimeout().toSeconds(),
                p.ffmpegMemoryBytes(), Runtime.getRuntime().availableProcessors()));
        if (p.ffmpeg() != null) ffmpeg.tools(); // a configured ffmpeg that does not run is a startup error, not a failed job later
        var processing = new Processing(stores.media(), blobs, ffmpeg,
                new Processing.Settings(p, config.limits().maxPixels(), storage.scratchDir()));
        processing.cleanScratch();
        stores.webhooks().targets(config.webhooks().urls());
        Webhooks webhooks = config.webhooks().enabled()
                ? new Webhooks(stores.webhooks(), stores.uploads(), config.webhooks().secret(), clock) : null;
        var outcomes = new Outcomes(stores.uploads(), blobs, ids, p.keepOriginals());
        var workers = new JobWorkers(stores.jobs(), stores.uploads(), processing, outcomes, clock, p.workers(), p.lease().toSeconds(),
                p.maxJobAttempts(), metrics);
        var uploads = new UploadService(stores.uploads(), blobs, ids, config.limits(), clock, processing, outcomes, workers::nudge);
        HttpConfig http = config.http();
        var media = new MediaService(stores.uploads(), stores.media(), stores.metrics(), blobs, clock, deliveryUrlKey(stores),
                http.deliveryUrlTtl().toSeconds(), http.redirect().toSeconds());
        var routes = new Routes(uploads, media, authenticator(config, stores, clock),
                new RateLimits(config.limits().rateLimits(), stores.sharedDatabase().orElse(null)), http.publicBaseUrl(), metrics,
                () -> {
                    Map<String, Boolean> checks = new LinkedHashMap<>();
                    checks.put("database", stores.healthy());
                    checks.put("blobs", blobs.healthy() && blobs.freeBytes() > 0);
                    return checks;
                }, config.limits().v11MaxAppendBytes());

        Javalin app = javalin(http, routes);
        app.start();
        log.info("mediaup listening on http://{}:{} (data dir {}; blob store capabilities {})", http.host(), app.port(),
                storage.dataDir().toAbsolutePath(), blobs.capabilities().names());

        var loops = new BackgroundLoops();
        loops.sweeps(new Sweeper(stores.uploads(), stores.media(), blobs, clock, storage.retention()), stores.access(), stores.webhooks(),
                clock, storage.sweepInterval(), config.auth().oauthWindow());
        loops.deliveryCounts(media);
        loops.nodeLease(stores.cluster(), ids, nodeOwner, clock);
        return new Server(app, stores, blobs, workers, ffmpeg, webhooks, loops, media);
    }

    /** The key of signed delivery URLs: one per cluster, made by the first node that asks. */
    private static byte[] deliveryUrlKey(MetadataStores stores) {
        return HexFormat.of().parseHex(stores.cluster().secret("delivery-url-key", () -> {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            return HexFormat.of().formatHex(k);
        }));
    }

    private static Authenticator authenticator(ServeConfig config, MetadataStores stores, LongSupplier clock) throws IOException {
        List<TokenVerifier> verifiers = new ArrayList<>(List.of(new OpaqueTokens(stores.access(), clock),
                new OAuth1(stores.access(), clock, config.auth().oauthWindow().toSeconds())));
        var jwt = config.auth().jwt();
        if (jwt.enabled()) {
            try {
                verifiers.add(new Jwt(jwt));
            } catch (ParseException e) {
                throw new IOException("cannot read the JWKS file " + jwt.jwksFile() + ": " + e.getMessage(), e);
            }
        }
        return new Authenticator(verifiers);
    }

    private static Javalin javalin(HttpConfig http, Routes routes) {
        return Javalin.create(config -> {
            config.jetty.host = http.host();
            config.jetty.port = http.port();
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024; // only for ctx.body(); media bodies are streamed, never read whole
            // read request bodies in large gulps (segments are megabytes; 8 KiB reads cost a wakeup each), but no larger than
            // the 64 KiB Jetty still pools: a bigger buffer is allocated and zeroed per request
            config.jetty.modifyHttpConfiguration(hc -> {
                hc.setInputBufferSize(64 * 1024);
                // dispatch a request when its headers arrive, so a graceful stop counts (and drains) every request a
                // client has started, not only those whose body has begun to arrive
                hc.setDelayDispatchUntilContent(false);
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(Wire.jettyErrors());
                // graceful stop: the listeners close at once, requests in flight (an append streaming in) get up to
                // --drain-secs to finish and be acknowledged, then the stores close behind them
                server.setStopTimeout(http.drain().toMillis());
            });
            config.jetty.modifyServletContextHandler(context -> context.insertHandler(new GracefulHandler()));
            if (http.v11Port() != null) config.jetty.addConnector((server, httpConfig) -> {
                // a second listener for clients that hard-code their upload host (point that name here); it serves every route
                var c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                c.setHost(http.host());
                c.setPort(http.v11Port());
                return c;
            });
            routes.install(config);
        });
    }

    public int port() {
        return app.port();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Graceful: stop taking requests (Jetty drains in-flight ones), then workers, then the stores. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) return;
        app.stop();
        loops.close();
        media.flushCounts();
        ffmpeg.close(); // running transcodes stop now; their jobs are retried by whichever node runs next
        workers.close();
        if (webhooks != null) webhooks.close();
        stores.close();
        blobs.close();
        stopped.countDown();
    }
}
