package dev.mediaup.cli;

import dev.mediaup.boot.Server;
import dev.mediaup.config.AuthConfig;
import dev.mediaup.config.HttpConfig;
import dev.mediaup.config.InvalidConfig;
import dev.mediaup.config.LimitsConfig.Rate;
import dev.mediaup.config.LimitsConfig.RateFamily;
import dev.mediaup.config.LimitsConfig;
import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.config.ScanUrl;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.config.StorageConfig;
import dev.mediaup.config.WebhooksConfig;
import dev.mediaup.core.Category;
import dev.mediaup.core.Quota;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code serve}: the options, grouped by concern as the config records are (one mixin each), turned into one
 * {@link ServeConfig} and validated once. A bad value is a usage error that names it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server (files + SQLite under --data-dir by default).")
public class ServeCommand implements Callable<Integer> {
    @Mixin Http http;
    @Mixin Storage storage;
    @Mixin Limits limits;
    @Mixin Processing processing;
    @Mixin Auth auth;
    @Mixin Webhooks webhooks;
    @Option(names = "--config", description = "Properties file with any of these options as keys (e.g. port=9000).")
    Path config;

    static final class Http {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--port", defaultValue = "8080", description = "Port (0 = any free port; the chosen one is logged).")
        int port;
        @Option(names = "--v11-port",
                description = "Also listen on this port (for clients that hard-code an upload host, e.g. upload.twitter.com).")
        Integer v11Port;
        @Option(names = "--public-base-url",
                description = "scheme://host[:port] clients use, when a proxy sits in front (OAuth 1.0a signs the URL).")
        String publicBaseUrl;
        @Option(names = "--drain-secs", defaultValue = "30", converter = Seconds.class,
                description = "On shutdown (SIGTERM), how long requests in flight may take to finish.")
        Duration drain;
        @Option(names = "--delivery-url-ttl-secs", defaultValue = "86400", converter = Seconds.class,
                description = "Lifetime of the signed delivery URLs in Media objects.")
        Duration deliveryUrlTtl;
        @Option(names = "--redirect-secs", defaultValue = "0", converter = Seconds.class,
                description = "Object store: answer deliveries with a redirect to a presigned URL valid this long "
                        + "(0: stream through the server).")
        Duration redirect;
        @Option(names = "--cors-origins", split = ",", paramLabel = "ORIGIN",
                description = "Browser origins that may call the API (https://app.example.com,…, or *); default none.")
        List<String> corsOrigins = List.of();
        @Option(names = "--tus-path", defaultValue = "/files", description = "Where tus clients upload (default: ${DEFAULT-VALUE}).")
        String tusPath;

        HttpConfig config() {
            return new HttpConfig(host, port, v11Port, publicBaseUrl == null ? null : publicBaseUrl.replaceAll("/+$", ""), drain,
                    deliveryUrlTtl, redirect, List.copyOf(corsOrigins), tusPath.replaceAll("/+$", ""));
        }
    }

    static final class Storage {
        @Option(names = "--data-dir", defaultValue = "./data", description = "Where blobs/ and mediaup.db live.")
        Path dataDir;
        @Option(names = "--db",
                description = "postgresql://user:password@host:port/database to share one database between nodes "
                        + "(default: SQLite in --data-dir).")
        String db;
        @Option(names = "--blobs",
                description = "s3://bucket[/prefix]?endpoint=…&region=…&path-style=true[&access-key=…&secret-key=…] "
                        + "(default: files in --data-dir).")
        String blobs;
        @Option(names = "--sweep-interval-secs", defaultValue = "60", converter = Seconds.class,
                description = "How often expired uploads are swept.")
        Duration sweepInterval;
        @Mixin
        RetentionOption retention;

        StorageConfig config() {
            return StorageConfig.of(dataDir, db, blobs, sweepInterval, retention.retention());
        }
    }

    static final class Limits {
        @Option(names = "--max-segment-bytes", defaultValue = "33554432",
                description = "Largest accepted segment (default 32 MiB: 16 GiB fits in 1000 segments).")
        long maxSegmentBytes;
        @Option(names = "--expires-after-secs", defaultValue = "86400", converter = Seconds.class, description = "Upload session lifetime.")
        Duration sessionWindow;
        @Option(names = "--amplify-expires-after-secs", defaultValue = "1295999", converter = Seconds.class,
                description = "Session lifetime for amplify_video.")
        Duration amplifySessionWindow;
        @Option(names = "--category-limits", split = ",",
                description = "Per-category byte limits, e.g. tweet_image=5242880,tweet_video=536870912.")
        Map<String, Long> categoryLimits = new HashMap<>();
        @Option(names = "--max-pixels", defaultValue = "100000000",
                description = "Largest image accepted, in pixels (decompression-bomb guard).")
        long maxPixels;
        @Option(names = "--min-free-bytes", defaultValue = "67108864", description = "Refuse appends when free disk would drop below this.")
        long minFreeBytes;
        @Option(names = "--daily-quota-bytes", description = "Per-user bytes uploaded per UTC day (unlimited when absent).")
        Long dailyQuotaBytes;
        @Option(names = "--stored-quota-bytes", description = "Per-user bytes stored (unlimited when absent).")
        Long storedQuotaBytes;
        @Option(names = "--rate-limits", split = ",",
                description = "Per-caller limits per family as requests/seconds, "
                        + "e.g. upload=50000/900,status=100000/900,read=100000/900,anonymous=5000/900.")
        Map<String, String> rateLimits = new HashMap<>();
        @Option(names = "--v11-max-append-bytes", defaultValue = "5242880", description = "Largest v1.1 APPEND (v1.1 allowed 5 MB).")
        long v11MaxAppendBytes;

        LimitsConfig config() {
            Map<Category, Long> perCategory = new EnumMap<>(LimitsConfig.defaultCategoryMaxBytes());
            perCategory.putAll(byCategory(categoryLimits, v -> v));
            Map<RateFamily, Rate> rates = new EnumMap<>(LimitsConfig.defaultRateLimits());
            rateLimits.forEach((k, v) -> {
                try {
                    rates.put(RateFamily.parse(k), Rate.parse(v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad --rate-limits entry " + k + "=" + v + " (want family=requests/seconds)");
                }
            });
            return new LimitsConfig(perCategory, maxSegmentBytes, sessionWindow, amplifySessionWindow, maxPixels, minFreeBytes,
                    new Quota(dailyQuotaBytes, storedQuotaBytes), rates, v11MaxAppendBytes);
        }
    }

    static final class Processing {
        @Option(names = "--workers",
                description = "Job workers on this node (video, GIF; default: one per core). 0: none, an API-only node whose "
                        + "jobs worker nodes run (mediaup worker).")
        Integer workers;
        @Option(names = "--stalled-queue-secs", defaultValue = "300", converter = Seconds.class,
                description = "A due job that no node has claimed for this long shows in /readyz as a stalled queue.")
        Duration stalledQueue;
        @Option(names = "--ffmpeg", description = "A system ffmpeg to use (its ffprobe beside it) instead of the bundled one.")
        String ffmpeg;
        @Option(names = "--ffmpeg-timeout-secs", defaultValue = "1800", converter = Seconds.class,
                description = "Wall-clock limit of one ffmpeg run.")
        Duration ffmpegTimeout;
        @Option(names = "--ffmpeg-memory-bytes", defaultValue = "4294967296", description = "Address-space limit of an ffmpeg run.")
        long ffmpegMemoryBytes;
        @Option(names = "--max-duration-secs", split = ",",
                description = "Per-category video length limits, e.g. tweet_video=140,amplify_video=600.")
        Map<String, Long> maxDurationSecs = new HashMap<>();
        @Option(names = "--max-gif-frames", defaultValue = "5000", description = "Most frames an animated GIF may have.")
        int maxGifFrames;
        @Option(names = "--keep-originals",
                description = "Keep uploaded bytes after processing (served as variant `original`); "
                        + "by default only the cleaned variants are kept.")
        boolean keepOriginals;
        @Option(names = "--max-job-attempts", defaultValue = "5", description = "Attempts before a processing job fails for good.")
        int maxJobAttempts;
        @Option(names = "--lease-secs", defaultValue = "30", converter = Seconds.class,
                description = "Job lease; a crashed worker's job is retried after this.")
        Duration lease;
        @Option(names = "--scan", description = "Scan every upload for malware before processing, with clamd: "
                + "clamd:unix:/run/clamav/clamd.ctl or clamd:tcp:127.0.0.1:3310. Infected media fails; clamd down: processing waits.")
        String scan;
        @Option(names = "--store-once", defaultValue = "any", description = "Media uploaded again reuses what processing made of the "
                + "same bytes: any (whoever uploaded them first), owner (only the same user's), off.")
        String storeOnce;
        @Option(names = "--transform-sizes", split = ",", defaultValue = "64,128,256,320,480,640,800,1080,1280,1600,2048",
                description = "Sizes delivery's ?w= and ?h= snap up to (ascending; the last is the largest that may be asked for).")
        List<Integer> transformSizes;
        @Option(names = "--max-transforms-per-media", defaultValue = "24",
                description = "Pictures made on request (sizes, formats) one media may have; more answer 429.")
        int maxTransforms;

        ProcessingConfig config() {
            Map<Category, Duration> durations = new EnumMap<>(ProcessingConfig.defaultMaxDuration());
            durations.putAll(byCategory(maxDurationSecs, Duration::ofSeconds));
            return new ProcessingConfig(ffmpeg, ffmpegTimeout, ffmpegMemoryBytes, workers != null ? workers
                    : Runtime.getRuntime().availableProcessors(),
                    lease, maxJobAttempts, keepOriginals, durations, maxGifFrames, stalledQueue, scan == null ? null : ScanUrl.parse(scan),
                    storeOnce(storeOnce), new ProcessingConfig.Transforms(List.copyOf(transformSizes), maxTransforms));
        }

        private static ProcessingConfig.StoreOnce storeOnce(String s) {
            try {
                return ProcessingConfig.StoreOnce.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--store-once must be any, owner or off, not " + s);
            }
        }
    }

    static final class Auth {
        @Option(names = "--oauth-window-secs", defaultValue = "300", converter = Seconds.class,
                description = "OAuth 1.0a timestamps must be within this many seconds of the server clock.")
        Duration oauthWindow;
        @Option(names = "--jwt-jwks-url", description = "Accept JWT access tokens signed by keys from this JWKS URL.")
        String jwtJwksUrl;
        @Option(names = "--jwt-jwks-file", description = "Accept JWT access tokens signed by keys in this JWKS file.")
        Path jwtJwksFile;
        @Option(names = "--jwt-issuer", description = "Required iss of JWT access tokens.")
        String jwtIssuer;
        @Option(names = "--jwt-audience", description = "Required aud of JWT access tokens.")
        String jwtAudience;
        @Option(names = "--jwt-user-claim", defaultValue = "sub", description = "Claim holding the user id.")
        String jwtUserClaim;
        @Option(names = "--console-authorize-url",
                description = "The issuer's OAuth 2.0 authorization endpoint: the console signs people in there (code + PKCE).")
        String consoleAuthorizeUrl;
        @Option(names = "--console-token-url", description = "The issuer's token endpoint (it must answer CORS for this server's origin).")
        String consoleTokenUrl;
        @Option(names = "--console-client-id", description = "The console's client id at the issuer (a public client: no secret).")
        String consoleClientId;
        @Option(names = "--console-scopes", defaultValue = "media.write tweet.read users.read",
                description = "Scopes the console asks the issuer for (default: ${DEFAULT-VALUE}).")
        String consoleScopes;

        AuthConfig config() {
            return new AuthConfig(new AuthConfig.Jwt(jwtJwksUrl, jwtJwksFile, jwtIssuer, jwtAudience, jwtUserClaim), oauthWindow,
                    new AuthConfig.ConsoleSignIn(consoleAuthorizeUrl, consoleTokenUrl, consoleClientId, consoleScopes));
        }
    }

    static final class Webhooks {
        @Option(names = "--webhook-url", split = ",",
                description = "URLs that receive a signed POST when media processing succeeds or fails.")
        List<String> urls = new ArrayList<>();
        @Option(names = "--webhook-secret", description = "HMAC-SHA256 key for the webhook signature (required with --webhook-url).")
        String secret;

        WebhooksConfig config() {
            return new WebhooksConfig(List.copyOf(urls), secret);
        }
    }

    /** {@code tweet_video=140,…} → per-category values; an unknown category is a usage error. */
    static <T> Map<Category, T> byCategory(Map<String, Long> given, Function<Long, T> value) {
        Map<Category, T> m = new EnumMap<>(Category.class);
        given.forEach((k, v) -> m.put(Category.parse(k).orElseThrow(() -> new IllegalArgumentException("unknown category " + k)),
                value.apply(v)));
        return m;
    }

    /**
     * The typed, validated configuration {@code serve ARGS} describes, with the defaults {@code env} (MEDIAUP_*) and a
     * config file would give — what {@code serve} starts with (and what an in-process test server starts with).
     */
    public static ServeConfig parse(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).setDefaultValueProvider(new Main.Defaults(args, env)).parseArgs(args);
        return serve.serveConfig();
    }

    /** The typed, validated configuration these options describe. */
    ServeConfig serveConfig() {
        try {
            return new ServeConfig(http.config(), storage.config(), limits.config(), processing.config(), auth.config(),
                    webhooks.config()).validate();
        } catch (InvalidConfig | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        return run(Server.Role.API);
    }

    /** Starts a node in {@code role} and serves until SIGTERM, which drains it. */
    final Integer run(Server.Role role) throws Exception {
        Server server = Server.start(serveConfig(), role);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mediaup-shutdown"));
        server.awaitStop();
        return 0;
    }
}
