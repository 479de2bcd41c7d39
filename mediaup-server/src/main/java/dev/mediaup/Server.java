package dev.mediaup;

import dev.mediaup.api.Routes;
import dev.mediaup.api.RateLimits;
import dev.mediaup.auth.Authenticator;
import dev.mediaup.auth.Jwt;
import dev.mediaup.auth.OAuth1;
import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.auth.TokenVerifier;
import dev.mediaup.media.MediaService;
import dev.mediaup.processing.Ffmpeg;
import dev.mediaup.processing.JobQueue;
import dev.mediaup.processing.Processing;
import dev.mediaup.processing.Webhooks;
import dev.mediaup.upload.Media.Category;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MetadataStore;
import dev.mediaup.store.file.FileBlobStore;
import dev.mediaup.store.sql.SqlMetadataStore;
import dev.mediaup.upload.Ids;
import dev.mediaup.upload.UploadService;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the stores, the upload engine, the job queue and the HTTP routes together, and takes them down in order. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    public record Options(String host, int port, Path dataDir, UploadService.Settings settings, int workers, long leaseSecs,
                          long sweepIntervalSecs, Jwt.Settings jwt, long oauthWindowSecs, Map<RateLimits.Family, RateLimits.Limit> rateLimits,
                          String publicBaseUrl, long deliveryUrlTtlSecs, long v11MaxAppendBytes, Integer v11Port, ProcessingOptions processing,
                          String db, String blobs, long redirectSecs, long drainSecs) {}

    public record ProcessingOptions(String ffmpeg, Ffmpeg.Limits ffmpegLimits, boolean keepOriginals, Map<Category, Long> maxDurationSecs,
                                    int maxGifFrames, int maxJobAttempts, List<String> webhookUrls, String webhookSecret) {}

    private final Javalin app;
    private final MetadataStore meta;
    private final BlobStore blobs;
    private final JobQueue jobs;
    private final Ffmpeg ffmpeg;
    private final Webhooks webhooks;
    private final ScheduledExecutorService sweeper;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final MediaService media;

    private Server(Javalin app, MetadataStore meta, BlobStore blobs, JobQueue jobs, Ffmpeg ffmpeg, Webhooks webhooks,
                   ScheduledExecutorService sweeper, MediaService media) {
        this.ffmpeg = ffmpeg;
        this.webhooks = webhooks;
        this.media = media;
        this.app = app;
        this.meta = meta;
        this.blobs = blobs;
        this.jobs = jobs;
        this.sweeper = sweeper;
    }

    public static Server start(Options o) throws IOException {
        Files.createDirectories(o.dataDir());
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);

        MetadataStore meta = openMetadata(o.db(), o.dataDir());
        BlobStore blobs = openBlobs(o.blobs(), o.dataDir());
        blobs.removeTornWrites();
        var clock = (java.util.function.LongSupplier) () -> System.currentTimeMillis() / 1000;
        String nodeOwner = "node-" + java.util.UUID.randomUUID();
        var ids = new Ids(leaseNodeId(meta, nodeOwner, clock.getAsLong()));
        var p = o.processing();
        var ffmpeg = new Ffmpeg(p.ffmpeg(), p.ffmpegLimits());
        if (p.ffmpeg() != null) ffmpeg.tools(); // a configured ffmpeg that does not run is a startup error, not a failed job later
        var processing = new Processing(meta, blobs, ffmpeg, new Processing.Settings(p.keepOriginals(), o.settings().maxPixels(),
                p.maxDurationSecs(), p.maxGifFrames(), o.dataDir().resolve("scratch"), o.workers()));
        processing.cleanScratch();
        meta.webhookTargets(p.webhookUrls());
        Webhooks webhooks = p.webhookUrls().isEmpty() ? null : new Webhooks(meta, p.webhookSecret(), clock);
        var uploads = new UploadService(meta, blobs, ids, o.settings(), clock, processing);
        var jobs = new JobQueue(meta, uploads, processing, o.workers(), o.leaseSecs(), p.maxJobAttempts(), metrics);
        List<TokenVerifier> verifiers = new ArrayList<>(List.of(new OpaqueTokens(meta, clock), new OAuth1(meta, clock, o.oauthWindowSecs())));
        if (o.jwt().enabled()) {
            try {
                verifiers.add(new Jwt(o.jwt()));
            } catch (java.text.ParseException e) {
                throw new IOException("cannot read the JWKS file " + o.jwt().jwksFile() + ": " + e.getMessage(), e);
            }
        }
        var media = new MediaService(meta, blobs, clock, o.deliveryUrlTtlSecs(), o.redirectSecs());
        var routes = new Routes(uploads, media, new Authenticator(verifiers), new RateLimits(o.rateLimits(),
                meta instanceof SqlMetadataStore sql ? sql.shared().orElse(null) : null), o.publicBaseUrl(), jobs, metrics,
                () -> {
                    Map<String, Boolean> checks = new java.util.LinkedHashMap<>();
                    checks.put("database", meta.healthy());
                    checks.put("blobs", blobs.healthy() && blobs.freeBytes() > 0);
                    return checks;
                }, o.v11MaxAppendBytes());

        Javalin app = Javalin.create(config -> {
            config.jetty.host = o.host();
            config.jetty.port = o.port();
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
                server.setErrorHandler(dev.mediaup.api.Wire.jettyErrors());
                // graceful stop: the listeners close at once, requests in flight (an append streaming in) get up to
                // --drain-secs to finish and be acknowledged, then the stores close behind them
                server.setStopTimeout(TimeUnit.SECONDS.toMillis(o.drainSecs()));
            });
            config.jetty.modifyServletContextHandler(context -> context.insertHandler(new org.eclipse.jetty.server.handler.GracefulHandler()));
            if (o.v11Port() != null) config.jetty.addConnector((server, http) -> {
                // a second listener for clients that hard-code their upload host (point that name here); it serves every route
                var c = new org.eclipse.jetty.server.ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
                c.setHost(o.host());
                c.setPort(o.v11Port());
                return c;
            });
            routes.install(config);
        });
        app.start();
        log.info("mediaup listening on http://{}:{} (data dir {})", o.host(), app.port(), o.dataDir().toAbsolutePath());

        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("mediaup-sweeper").factory());
        var sweeps = new java.util.concurrent.atomic.AtomicLong();
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                // orphaned blobs are rare (a crash between fsync and commit): look for them every 60th sweep
                var swept = uploads.sweep(sweeps.incrementAndGet() % 60 == 0);
                if (swept.expiredSessions() + swept.purgedUploads() + swept.retiredMedia() + swept.orphanBlobs() > 0) log.info("sweep: {}", swept);
                meta.purgeNonces(clock.getAsLong() - 2 * o.oauthWindowSecs()); // older ones fail the timestamp check anyway
                meta.purgeWebhooks(clock.getAsLong() - 7 * 86_400);
            } catch (RuntimeException e) {
                log.warn("sweep failed: {}", e.toString());
            }
        }, 1, o.sweepIntervalSecs(), TimeUnit.SECONDS);
        sweeper.scheduleWithFixedDelay(media::flushCounts, 2, 2, TimeUnit.SECONDS);
        sweeper.scheduleWithFixedDelay(() -> { // keep this node's snowflake id; if the lease was lost, take another one
            try {
                long now = clock.getAsLong();
                if (!meta.renewNode(ids.node(), nodeOwner, now + NODE_LEASE_SECS)) {
                    log.warn("node id lease {} was lost; leasing another", ids.node());
                    ids.node(leaseNodeId(meta, nodeOwner, now));
                }
            } catch (RuntimeException | IOException e) {
                log.warn("node id lease renewal failed: {}", e.toString());
            }
        }, NODE_LEASE_SECS / 3, NODE_LEASE_SECS / 3, TimeUnit.SECONDS);
        return new Server(app, meta, blobs, jobs, ffmpeg, webhooks, sweeper, media);
    }

    static final long NODE_LEASE_SECS = 60;

    /** The SQLite file in the data dir by default; PostgreSQL for {@code postgresql://…} (several nodes share it). */
    public static MetadataStore openMetadata(String db, Path dataDir) throws IOException {
        if (db == null || db.isBlank()) {
            Files.createDirectories(dataDir);
            return SqlMetadataStore.sqlite(dataDir.resolve("mediaup.db"));
        }
        if (db.matches("(jdbc:)?postgres(ql)?:.*")) {
            try {
                return SqlMetadataStore.postgres(db);
            } catch (RuntimeException e) {
                throw new IOException("cannot use the database " + db.replaceAll("//[^@/]*@", "//…@") + ": " + e.getMessage(), e);
            }
        }
        throw new IOException("--db must be a postgresql:// URL (or absent: SQLite in the data dir), not " + db);
    }

    /** Files under the data dir by default; an S3-compatible bucket for {@code s3://bucket?endpoint=…}. */
    public static BlobStore openBlobs(String blobs, Path dataDir) throws IOException {
        if (blobs == null || blobs.isBlank()) return new FileBlobStore(dataDir.resolve("blobs"));
        if (blobs.startsWith("s3://")) return dev.mediaup.store.s3.S3BlobStore.open(blobs, dataDir.resolve("spool"));
        throw new IOException("--blobs must be an s3:// URL (or absent: files in the data dir), not " + blobs);
    }

    private static int leaseNodeId(MetadataStore meta, String owner, long now) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                var id = meta.leaseNode(owner, now, now + NODE_LEASE_SECS);
                if (id.isPresent()) return id.getAsInt();
                throw new IOException("all 1024 node ids are leased: too many nodes on one database");
            } catch (RuntimeException raced) { // another node took the same new id at the same moment
                log.debug("node id lease raced: {}", raced.toString());
            }
        }
        throw new IOException("could not lease a node id");
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
        sweeper.shutdownNow();
        media.flushCounts();
        ffmpeg.close(); // running transcodes stop now; their jobs are retried by whichever node runs next
        jobs.close();
        if (webhooks != null) webhooks.close();
        meta.close();
        blobs.close();
        stopped.countDown();
    }
}
