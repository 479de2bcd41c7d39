package dev.mediaup.boot;

import dev.mediaup.admin.AdminService;
import dev.mediaup.api.RateLimits;
import dev.mediaup.api.Routes;
import dev.mediaup.auth.Authenticator;
import dev.mediaup.auth.Jwt;
import dev.mediaup.auth.OAuth1;
import dev.mediaup.auth.GrantTokens;
import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.auth.TokenVerifier;
import dev.mediaup.config.HttpConfig;
import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.events.Webhooks;
import dev.mediaup.media.MediaService;
import dev.mediaup.processing.Ffmpeg;
import dev.mediaup.processing.PictureWork;
import dev.mediaup.processing.JobWorkers;
import dev.mediaup.processing.Processing;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.JobStore;
import dev.mediaup.store.MetadataStores;
import dev.mediaup.upload.Ids;
import dev.mediaup.upload.Outcomes;
import dev.mediaup.upload.StatusWatch;
import dev.mediaup.upload.Sweeper;
import dev.mediaup.upload.GrantService;
import dev.mediaup.upload.TusUploads;
import dev.mediaup.upload.UploadService;
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
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one place that builds everything a node runs from its config, in dependency order — stores, then the engine
 * (uploads, processing, media, auth), then the routes — and takes it down in the reverse order. Each service gets
 * the store roles it uses and nothing more.
 */
record Services(MetadataStores stores, BlobStore blobs, Ids ids, String nodeOwner, LongSupplier clock, Ffmpeg ffmpeg,
                JobWorkers workers, Webhooks webhooks, MediaService media, Sweeper sweeper, Routes routes, Readiness readiness,
                StatusWatch watch) implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    /** {@code clock}: epoch seconds, for every rule that depends on time (expiry, retention, leases, backoff). */
    static Services build(ServeConfig config, LongSupplier clock) throws IOException {
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
        String nodeOwner = "node-" + UUID.randomUUID();
        var ids = new Ids(BackgroundLoops.leaseNodeId(stores.cluster(), nodeOwner, clock.getAsLong()));

        ProcessingConfig p = config.processing();
        var ffmpeg = new Ffmpeg(p.ffmpeg(), new Ffmpeg.Limits(p.ffmpegTimeout().toSeconds(), 2 * p.ffmpegTimeout().toSeconds(),
                p.ffmpegMemoryBytes(), Runtime.getRuntime().availableProcessors()));
        if (p.ffmpeg() != null) ffmpeg.tools(); // a configured ffmpeg that does not run is a startup error, not a failed job later
        else checkBundledFfmpeg(ffmpeg);
        var processing = new Processing(stores.media(), stores.content(), stores.uploads(), blobs, ffmpeg,
                new Processing.Settings(p, config.limits().maxPixels(), storage.scratchDir()), metrics);
        processing.cleanScratch();
        stores.webhooks().targets(config.webhooks().urls());
        Webhooks webhooks = config.webhooks().enabled()
                ? new Webhooks(stores.webhooks(), stores.uploads(), config.webhooks().secret(), clock) : null;
        var outcomes = new Outcomes(stores.uploads(), blobs, ids, p.keepOriginals());
        var workers = new JobWorkers(stores.jobs(), stores.uploads(), stores.uploads(), processing, outcomes, clock, p, metrics);
        // long polls and SSE streams learn of changes made by any node within this period (one query per period, for all)
        var watch = new StatusWatch(stores.uploads(), Duration.ofMillis(100));
        var uploads = new UploadService(stores.uploads(), stores.uploads(), stores.uploads(), stores.uploads(), blobs, ids,
                config.limits(), clock, processing, outcomes, workers::nudge, watch,
                metrics);
        HttpConfig http = config.http();
        var media = new MediaService(stores.uploads(), stores.uploads(), stores.uploads(), stores.media(),
                stores.metrics(), blobs, clock, deliveryUrlKey(stores), http, new PictureWork(stores.media(), blobs, ffmpeg,
                storage.scratchDir()), p.transforms());
        var probes = new ArrayList<>(List.of(
                new Readiness.Probe("database", true, () -> stores.healthy() ? null : "the database does not answer"),
                new Readiness.Probe("blobs", true, () -> !blobs.healthy() ? "the blob store does not answer"
                        : blobs.freeBytes() <= 0 ? "the blob store is full" : null),
                new Readiness.Probe("processing", false, () -> whyFfmpegCannotRun(ffmpeg)),
                new Readiness.Probe("jobs", false, stalledQueue(stores.jobs(), clock, p.stalledQueue()))));
        // the malware scanner, where one is configured: down means uploads wait (degraded), never go unscanned
        if (p.scan() != null) probes.add(new Readiness.Probe("scanner", false, processing::scannerDown));
        var readiness = new Readiness(List.copyOf(probes));
        var limits = new RateLimits(config.limits().rateLimits(), stores.sharedDatabase().orElse(null), stores::healthy);
        var grants = new GrantService(stores.grants(), stores.uploads(), config.limits(), ids, clock);
        var opaque = new OpaqueTokens(stores.access(), clock);
        var admin = new AdminService(stores.access(), stores.grants(), stores.uploads(), opaque, clock);
        var tus = new TusUploads(uploads, stores.uploads(), stores.uploads());
        var routes = new Routes(uploads, tus, grants, admin, media, authenticator(config, stores, opaque, clock), limits,
                http.publicBaseUrl(), metrics, readiness, config.limits().v11MaxAppendBytes(), http.tusPath(), config.auth().console(),
                !http.redirect().isZero());
        var sweeper = new Sweeper(stores.uploads(), stores.content(), blobs, clock, storage.retention());
        return new Services(stores, blobs, ids, nodeOwner, clock, ffmpeg, workers, webhooks, media, sweeper, routes, readiness, watch);
    }

    /**
     * The bundled ffmpeg is tried at startup: when it cannot run here, one line says why and what to do, and the node
     * starts anyway (pictures, subtitles, 3D models, uploads and delivery need no ffmpeg; video jobs wait for it).
     */
    private static void checkBundledFfmpeg(Ffmpeg ffmpeg) {
        String why = whyFfmpegCannotRun(ffmpeg);
        if (why != null)
            log.error("video and GIF processing cannot run: {}. Uploads, pictures and delivery work; video jobs wait until"
                    + " ffmpeg runs (GET /readyz shows \"processing\": \"down\" and why).", why);
    }

    /** Why ffmpeg cannot run here, or null when it runs (the failure is cached briefly by {@link Ffmpeg#tools()}). */
    private static String whyFfmpegCannotRun(Ffmpeg ffmpeg) {
        try {
            ffmpeg.tools();
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * Why the job queue looks stalled — a due job that no node has claimed for longer than {@code limit}: no worker
     * runs (API-only nodes and none of `mediaup worker`), or all are stuck — or null. Asked at most every 5 s.
     */
    private static Supplier<String> stalledQueue(JobStore jobs, LongSupplier clock, Duration limit) {
        AtomicLong askedAt = new AtomicLong(Long.MIN_VALUE / 2);
        AtomicReference<String> last = new AtomicReference<>();
        return () -> {
            long now = clock.getAsLong();
            if (now - askedAt.get() < 5) return last.get();
            askedAt.set(now);
            OptionalLong waited = jobs.longestWait(now);
            String why = waited.isPresent() && waited.getAsLong() > limit.toSeconds()
                    ? "no node has claimed a due job for " + waited.getAsLong() + " s: is a worker running (mediaup worker, or serve "
                    + "without --workers 0)?" : null;
            last.set(why);
            return why;
        };
    }

    /** The key of signed delivery URLs: one per cluster, made by the first node that asks. */
    private static byte[] deliveryUrlKey(MetadataStores stores) {
        return HexFormat.of().parseHex(stores.cluster().secret("delivery-url-key", () -> {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            return HexFormat.of().formatHex(k);
        }));
    }

    private static Authenticator authenticator(ServeConfig config, MetadataStores stores, OpaqueTokens opaque, LongSupplier clock)
            throws IOException {
        List<TokenVerifier> verifiers = new ArrayList<>(List.of(opaque,
                new GrantTokens(stores.grants(), clock),
                new OAuth1(stores.access(), stores.nonces(), clock, config.auth().oauthWindow())));
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

    /** After the listeners stopped: counters flushed, transcodes stopped (their jobs resume elsewhere), then the stores. */
    @Override
    public void close() {
        readiness.close();
        watch.close();
        media.flushCounts();
        ffmpeg.close();
        workers.close();
        if (webhooks != null) webhooks.close();
        stores.close();
        blobs.close();
    }
}
