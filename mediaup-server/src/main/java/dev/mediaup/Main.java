package dev.mediaup;

import dev.mediaup.api.RateLimits;
import dev.mediaup.client.Media;
import dev.mediaup.client.MediaClient;
import dev.mediaup.client.MediaException;
import dev.mediaup.auth.Jwt;
import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.store.MetadataStore;
import dev.mediaup.upload.Media.Category;
import dev.mediaup.upload.UploadService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.Callable;

/**
 * {@code bin/mediaup}: one entry point, picocli sub-commands. Every option can also come from the environment
 * ({@code --data-dir} → {@code MEDIAUP_DATA_DIR}) or from a properties file ({@code --config FILE}, key {@code data-dir});
 * precedence is flag, then environment, then file, then the built-in default.
 */
@Command(name = "mediaup", mixinStandardHelpOptions = true, version = "mediaup 0.1.0",
        description = "Self-hostable media upload service speaking the X API v2 media protocol.",
        subcommands = {Main.Serve.class, Main.TokenCmd.class, Main.AppCmd.class, Main.UserCmd.class, Main.Gc.class, Main.FfmpegPath.class,
                Main.UploadCmd.class, Main.MediaCmd.class})
public final class Main extends Group {

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main()).setDefaultValueProvider(new Defaults(args));
        // an I/O problem (a port in use, a data dir or ffmpeg that cannot be used) is a message, not a stack trace
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IOException)) throw e;
            cmd.getErr().println("mediaup: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    /** Flag → MEDIAUP_* environment → config file → annotation default. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        private final Properties file = new Properties();

        Defaults(String[] args) {
            String path = System.getenv("MEDIAUP_CONFIG");
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--config") && i + 1 < args.length) path = args[i + 1];
                else if (args[i].startsWith("--config=")) path = args[i].substring("--config=".length());
            }
            if (path != null) {
                try (Reader r = Files.newBufferedReader(Path.of(path))) {
                    file.load(r);
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(new CommandLine(new Main()), "cannot read config file " + path + ": " + e.getMessage());
                }
            }
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec o)) return null;
            String key = o.longestName().replaceFirst("^--", "");
            String env = System.getenv("MEDIAUP_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (env != null) return env;
            return file.getProperty(key);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server (files + SQLite under --data-dir by default).")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--port", defaultValue = "8080", description = "Port (0 = any free port; the chosen one is logged).")
        int port;
        @Option(names = "--data-dir", defaultValue = "./data", description = "Where blobs/ and mediaup.db live.")
        Path dataDir;
        @Option(names = "--config", description = "Properties file with any of these options as keys (e.g. port=9000).")
        Path config;
        @Option(names = "--max-segment-bytes", defaultValue = "33554432", description = "Largest accepted segment (default 32 MiB: 16 GiB fits in 1000 segments).")
        long maxSegmentBytes;
        @Option(names = "--expires-after-secs", defaultValue = "86400", description = "Upload session lifetime.")
        long expiresAfterSecs;
        @Option(names = "--amplify-expires-after-secs", defaultValue = "1295999", description = "Session lifetime for amplify_video.")
        long amplifyExpiresAfterSecs;
        @Option(names = "--category-limits", split = ",", description = "Per-category byte limits, e.g. tweet_image=5242880,tweet_video=536870912.")
        Map<String, Long> categoryLimits = new HashMap<>();
        @Option(names = "--max-pixels", defaultValue = "100000000", description = "Largest image accepted, in pixels (decompression-bomb guard).")
        long maxPixels;
        @Option(names = "--min-free-bytes", defaultValue = "67108864", description = "Refuse appends when free disk would drop below this.")
        long minFreeBytes;
        @Option(names = "--workers", defaultValue = "0", description = "Processing workers, also the bound on concurrent image decodes (0: one per core).")
        int workers;
        @Option(names = "--ffmpeg", description = "A system ffmpeg to use (its ffprobe beside it) instead of the bundled one.")
        String ffmpeg;
        @Option(names = "--ffmpeg-timeout-secs", defaultValue = "1800", description = "Wall-clock limit of one ffmpeg run.")
        long ffmpegTimeoutSecs;
        @Option(names = "--ffmpeg-memory-bytes", defaultValue = "4294967296", description = "Address-space limit of an ffmpeg run.")
        long ffmpegMemoryBytes;
        @Option(names = "--max-duration-secs", split = ",", description = "Per-category video length limits, e.g. tweet_video=140,amplify_video=600.")
        Map<String, Long> maxDurationSecs = new HashMap<>();
        @Option(names = "--max-gif-frames", defaultValue = "5000", description = "Most frames an animated GIF may have.")
        int maxGifFrames;
        @Option(names = "--keep-originals", description = "Keep uploaded bytes after processing (served as variant `original`); by default only the cleaned variants are kept.")
        boolean keepOriginals;
        @Option(names = "--max-job-attempts", defaultValue = "5", description = "Attempts before a processing job fails for good.")
        int maxJobAttempts;
        @Option(names = "--db", description = "postgresql://user:password@host:port/database to share one database between nodes (default: SQLite in --data-dir).")
        String db;
        @Option(names = "--blobs", description = "s3://bucket[/prefix]?endpoint=…&region=…&path-style=true[&access-key=…&secret-key=…] (default: files in --data-dir).")
        String blobs;
        @Option(names = "--drain-secs", defaultValue = "30", description = "On shutdown (SIGTERM), how long requests in flight may take to finish.")
        long drainSecs;
        @Option(names = "--redirect-secs", defaultValue = "0", description = "Object store: answer deliveries with a redirect to a presigned URL valid this long (0: stream through the server).")
        long redirectSecs;
        @Option(names = "--webhook-url", split = ",", description = "URLs that receive a signed POST when media processing succeeds or fails.")
        List<String> webhookUrls = new ArrayList<>();
        @Option(names = "--webhook-secret", description = "HMAC-SHA256 key for the webhook signature (required with --webhook-url).")
        String webhookSecret;
        @Option(names = "--lease-secs", defaultValue = "30", description = "Job lease; a crashed worker's job is retried after this.")
        long leaseSecs;
        @Option(names = "--sweep-interval-secs", defaultValue = "60", description = "How often expired uploads are swept.")
        long sweepIntervalSecs;
        @Option(names = "--daily-quota-bytes", description = "Per-user bytes uploaded per UTC day (unlimited when absent).")
        Long dailyQuotaBytes;
        @Option(names = "--stored-quota-bytes", description = "Per-user bytes stored (unlimited when absent).")
        Long storedQuotaBytes;
        @Option(names = "--rate-limits", split = ",", description = "Per-caller limits per family as requests/seconds, e.g. upload=50000/900,status=100000/900,read=100000/900,anonymous=5000/900.")
        Map<String, String> rateLimits = new HashMap<>();
        @Option(names = "--oauth-window-secs", defaultValue = "300", description = "OAuth 1.0a timestamps must be within this many seconds of the server clock.")
        long oauthWindowSecs;
        @Option(names = "--public-base-url", description = "scheme://host[:port] clients use, when a proxy sits in front (OAuth 1.0a signs the URL).")
        String publicBaseUrl;
        @Option(names = "--media-retention-secs", defaultValue = "0", description = "Delete finalized media this long after upload (0: keep).")
        long mediaRetentionSecs;
        @Option(names = "--delivery-url-ttl-secs", defaultValue = "86400", description = "Lifetime of the signed delivery URLs in Media objects.")
        long deliveryUrlTtlSecs;
        @Option(names = "--v11-max-append-bytes", defaultValue = "5242880", description = "Largest v1.1 APPEND (v1.1 allowed 5 MB).")
        long v11MaxAppendBytes;
        @Option(names = "--v11-port", description = "Also listen on this port (for clients that hard-code an upload host, e.g. upload.twitter.com).")
        Integer v11Port;
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

        @Override
        public Integer call() throws Exception {
            var d = UploadService.Settings.defaults();
            Map<Category, Long> limits = new EnumMap<>(d.categoryMaxBytes());
            categoryLimits.forEach((k, v) -> limits.put(Category.parse(k).orElseThrow(
                    () -> new CommandLine.ParameterException(new CommandLine(this), "unknown category " + k)), v));
            var settings = new UploadService.Settings(limits, maxSegmentBytes, expiresAfterSecs, amplifyExpiresAfterSecs, maxPixels, minFreeBytes,
                    new MetadataStore.Quota(dailyQuotaBytes, storedQuotaBytes), mediaRetentionSecs);
            var rl = RateLimits.defaults();
            rateLimits.forEach((k, v) -> {
                try {
                    rl.put(RateLimits.Family.valueOf(k.toUpperCase(Locale.ROOT)), RateLimits.Limit.parse(v));
                } catch (RuntimeException e) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "bad --rate-limits entry " + k + "=" + v + " (want family=requests/seconds)");
                }
            });
            var jwt = new Jwt.Settings(jwtJwksUrl, jwtJwksFile, jwtIssuer, jwtAudience, jwtUserClaim);
            Map<Category, Long> durations = new EnumMap<>(Map.of(Category.TWEET_VIDEO, 140L, Category.DM_VIDEO, 140L, Category.AMPLIFY_VIDEO, 600L));
            maxDurationSecs.forEach((k, v) -> durations.put(Category.parse(k).orElseThrow(
                    () -> new CommandLine.ParameterException(new CommandLine(this), "unknown category " + k)), v));
            if (!webhookUrls.isEmpty() && (webhookSecret == null || webhookSecret.isBlank()))
                throw new CommandLine.ParameterException(new CommandLine(this), "--webhook-url needs --webhook-secret (receivers verify the signature with it)");
            for (String u : webhookUrls)
                if (!u.matches("https?://.+")) throw new CommandLine.ParameterException(new CommandLine(this), "--webhook-url must be http(s): " + u);
            int cores = Runtime.getRuntime().availableProcessors();
            var proc = new Server.ProcessingOptions(ffmpeg, new dev.mediaup.processing.Ffmpeg.Limits(ffmpegTimeoutSecs, 2 * ffmpegTimeoutSecs,
                    ffmpegMemoryBytes, cores), keepOriginals, durations, maxGifFrames, maxJobAttempts, webhookUrls, webhookSecret);
            Server server = Server.start(new Server.Options(host, port, dataDir, settings, workers > 0 ? workers : cores, leaseSecs,
                    sweepIntervalSecs, jwt, oauthWindowSecs, rl, publicBaseUrl, deliveryUrlTtlSecs, v11MaxAppendBytes, v11Port, proc, db, blobs,
                    redirectSecs, drainSecs));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mediaup-shutdown"));
            server.awaitStop();
            return 0;
        }
    }

    /** Options shared by the commands that work on a data directory while a server may be running on it. */
    static class DataDirOptions {
        @Option(names = "--data-dir", defaultValue = "./data", description = "The server's data directory.")
        Path dataDir;
        @Option(names = "--config", description = "Properties file with options as keys.")
        Path config;
        @Option(names = "--db", description = "The server's database, as for serve (default: SQLite in the data dir).")
        String db;
        @Option(names = "--blobs", description = "The server's blob store, as for serve (default: files in the data dir).")
        String blobs;

        MetadataStore open() throws IOException {
            return Server.openMetadata(db, dataDir);
        }
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static void printJson(Object o) {
        System.out.println(tools.jackson.databind.json.JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(o));
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage access tokens.",
            subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
    static final class TokenCmd extends Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Create a token. Default: an OAuth 2.0 bearer token for --user, printed alone on stdout (only its hash is stored).",
            "--app KEY without --user: an app-only bearer token (read-only). --oauth1 --app KEY --user ID: an OAuth 1.0a access token",
            "and secret for that app and user, printed as JSON."})
    static final class TokenCreate extends DataDirOptions implements Callable<Integer> {
        @Option(names = "--user", description = "User id the token acts as (digits, like X user ids).")
        String user;
        @Option(names = "--app", description = "Consumer key of an app made with `app create`.")
        String app;
        @Option(names = "--oauth1", description = "Create an OAuth 1.0a access token (needs --app and --user).")
        boolean oauth1;
        @Option(names = "--scopes", defaultValue = "media.write tweet.read users.read", description = "Space-separated scopes.")
        String scopes;
        @Option(names = "--expires-in-secs", description = "Lifetime; no expiry when absent.")
        Long expiresInSecs;

        @Override
        public Integer call() throws IOException {
            var cl = new CommandLine(this);
            if (user != null && !user.matches("[0-9]{1,19}")) throw new CommandLine.ParameterException(cl, "--user must be 1 to 19 digits");
            if (user == null && app == null) throw new CommandLine.ParameterException(cl, "give --user (user token) or --app (app-only token)");
            if (oauth1 && (user == null || app == null)) throw new CommandLine.ParameterException(cl, "--oauth1 needs --app and --user");
            List<String> scopeList = Arrays.stream(scopes.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
            Long expiresAt = expiresInSecs == null ? null : now() + expiresInSecs;
            try (var meta = open()) {
                if (app != null && meta.findApp(app).filter(a -> !a.revoked()).isEmpty())
                    throw new CommandLine.ParameterException(cl, "no app with consumer key " + app + " (see `app create`)");
                if (oauth1) {
                    var t = new MetadataStore.OAuth1Token(user + "-" + secret(24), secret(32), app, user, scopeList, false);
                    meta.createOAuth1Token(t, now());
                    printJson(Map.of("oauth_token", t.token(), "oauth_token_secret", t.tokenSecret(), "user_id", user, "consumer_key", app));
                } else {
                    var tokens = new OpaqueTokens(meta, Main::now);
                    System.out.println(user != null ? tokens.createUserToken(user, scopeList, expiresAt) : tokens.createAppToken(app, expiresAt));
                }
            }
            return 0;
        }
    }

    static String secret(int bytes) {
        byte[] b = new byte[bytes];
        new java.security.SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List bearer tokens (ids, never secrets) as JSON.")
    static final class TokenList extends DataDirOptions implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                printJson(meta.listTokens());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a bearer token (by the id `token list` shows) or an OAuth 1.0a token.")
    static final class TokenRevoke extends DataDirOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "Token id, or OAuth 1.0a oauth_token.")
        String id;

        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                int n = meta.revokeToken(id);
                System.err.println(n == 0 ? "no such token" : "revoked (takes effect within 10 s on running servers)");
                return n == 0 ? 1 : 0;
            }
        }
    }

    @Command(name = "app", mixinStandardHelpOptions = true, description = "Manage OAuth apps.", subcommands = AppCreate.class)
    static final class AppCmd extends Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an app: prints its consumer key and secret and an app-only bearer token as JSON.")
    static final class AppCreate extends DataDirOptions implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A name for the app.")
        String name;

        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                var app = new MetadataStore.App(secret(18), secret(36), name, false);
                meta.createApp(app, now());
                String bearer = new OpaqueTokens(meta, Main::now).createAppToken(app.consumerKey(), null);
                printJson(Map.of("name", name, "consumer_key", app.consumerKey(), "consumer_secret", app.consumerSecret(), "bearer_token", bearer));
            }
            return 0;
        }
    }

    @Command(name = "ffmpeg-path", mixinStandardHelpOptions = true, description = {"Print the path of the ffmpeg executable the server runs",
            "(the bundled one is extracted on first use; its libraries sit beside it: set LD_LIBRARY_PATH to that directory)."})
    static final class FfmpegPath implements Callable<Integer> {
        @Option(names = "--ffmpeg", description = "A system ffmpeg, as for serve.")
        String ffmpeg;

        @Override
        public Integer call() throws IOException {
            System.out.println(new dev.mediaup.processing.Ffmpeg(ffmpeg, dev.mediaup.processing.Ffmpeg.Limits.defaults()).tools().ffmpeg());
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true, description = {"Run the sweeper now: expire idle sessions and delete their bytes,",
            "retire media past --media-retention-secs, and delete blobs nothing refers to (older than an hour). Safe while a server runs."})
    static final class Gc extends DataDirOptions implements Callable<Integer> {
        @Option(names = "--media-retention-secs", defaultValue = "0", description = "Delete finalized media this long after upload (0: keep).")
        long mediaRetentionSecs;

        @Override
        public Integer call() throws IOException {
            var d = UploadService.Settings.defaults();
            var settings = new UploadService.Settings(d.categoryMaxBytes(), d.maxSegmentBytes(), d.expiresAfterSecs(), d.amplifyExpiresAfterSecs(),
                    d.maxPixels(), d.minFreeBytes(), d.quota(), mediaRetentionSecs);
            try (var meta = open(); var blobs = Server.openBlobs(this.blobs, dataDir)) {
                UploadService.Processor none = (u, segs, type) -> { throw new IllegalStateException("gc does not process media"); };
                var swept = new UploadService(meta, blobs, new dev.mediaup.upload.Ids(-1), settings, Main::now, none).sweep(true);
                printJson(swept);
            }
            return 0;
        }
    }

    /** Options of the client commands: where the server is and who is asking. */
    static class ClientOptions {
        @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8080", description = "The server (mediaup, or https://api.x.com).")
        String baseUrl;
        @Option(names = "--token", description = "Bearer token (or MEDIAUP_TOKEN).")
        String token;
        @Option(names = "--config", description = "Properties file with options as keys.")
        Path config;
        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        MediaClient.Builder client() {
            if (token == null) throw new CommandLine.ParameterException(new CommandLine(this), "give --token (or MEDIAUP_TOKEN)");
            return MediaClient.builder().baseUrl(baseUrl).bearerToken(token);
        }

        void print(Media m) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>(); // X's snake_case, like the API
                out.put("id", m.id());
                out.put("media_key", m.mediaKey());
                out.put("size", m.size());
                out.put("state", m.state());
                if (m.width() != null) out.put("image", Map.of("w", m.width(), "h", m.height(), "image_type", m.imageType()));
                if (m.videoType() != null) out.put("video", Map.of("video_type", m.videoType()));
                if (m.errorName() != null) out.put("error", Map.of("name", m.errorName(), "message", m.errorMessage()));
                printJson(out);
            }
            else System.out.println(m.mediaKey() + " " + m.id() + " " + m.size() + " bytes " + m.state()
                    + (m.errorMessage() == null ? "" : ": " + m.errorMessage()));
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a file (parallel segments, retries, progress); resume with --resume ID.")
    static final class UploadCmd extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "The file.")
        Path file;
        @Option(names = "--category", description = "media_category (default from the type: tweet_image, tweet_gif, tweet_video, subtitles).")
        String category;
        @Option(names = "--type", description = "media_type (default from the file name).")
        String type;
        @Option(names = "--parallel", defaultValue = "4", description = "Segments in flight.")
        int parallel;
        @Option(names = "--segment-size", defaultValue = "4194304", description = "Segment size in bytes.")
        long segmentSize;
        @Option(names = "--alt-text", description = "Alt text to attach once uploaded.")
        String altText;
        @Option(names = "--resume", description = "Upload id to finish: only the segments the server lacks are sent.")
        String resume;

        @Override
        public Integer call() {
            MediaClient client = client().parallelism(parallel).segmentSize(segmentSize).build();
            String mediaType = type;
            String cat = category != null ? category : mediaType == null ? defaultCategory(file.getFileName().toString()) : defaultCategory("x." + mediaType.replace('/', '.'));
            var upload = client.newUpload(file, resume == null ? cat : null).progress(new Bar());
            if (mediaType != null) upload.mediaType(mediaType);
            if (resume != null) upload.resume(resume);
            try {
                Media m = upload.start().join();
                System.err.println();
                if (altText != null) client.setAltText(m.id(), altText);
                print(m);
                return m.succeeded() ? 0 : 2;
            } catch (MediaException e) {
                System.err.println();
                System.err.println("upload failed" + (upload.id() == null ? "" : " (resume with --resume " + upload.id() + ")") + ": " + e.getMessage());
                return 1;
            }
        }

        static String defaultCategory(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".gif")) return "tweet_gif";
            if (n.matches(".*\\.(mp4|m4v|mov|webm|ts|quicktime|mp2t)$")) return "tweet_video";
            if (n.matches(".*\\.(srt|vtt)$")) return "subtitles";
            return "tweet_image";
        }

        /** bytes, rate and ETA on one terminal line, then the processing percentage. */
        static final class Bar implements MediaClient.ProgressListener {
            private final long t0 = System.nanoTime();

            @Override
            public synchronized void bytesSent(long sent, long total) {
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9), rate = sent / secs;
                int pct = total == 0 ? 100 : (int) (sent * 100 / total);
                String bar = "#".repeat(pct / 5) + "-".repeat(20 - pct / 5);
                System.err.printf("\r[%s] %3d%% %.1f/%.1f MiB %.1f MiB/s ETA %ds   ", bar, pct, sent / 1048576.0, total / 1048576.0,
                        rate / 1048576, (long) ((total - sent) / Math.max(1, rate)));
            }

            @Override
            public synchronized void processing(int percent) {
                System.err.printf("\rprocessing %3d%%                                                  ", percent);
            }
        }
    }

    @Command(name = "media", mixinStandardHelpOptions = true, description = "Look at media.", subcommands = {MediaGet.class, MediaStatus.class})
    static final class MediaCmd extends Group {
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "The Media object of a media_key, as JSON.")
    static final class MediaGet extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "media_key")
        String key;

        @Override
        public Integer call() {
            printJson(client().build().lookup(key, "media_key", "type", "url", "width", "height", "duration_ms", "alt_text", "variants"));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "STATUS of an upload id.")
    static final class MediaStatus extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "upload (media) id")
        String id;

        @Override
        public Integer call() {
            print(client().build().status(id));
            return 0;
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Inspect users.", subcommands = UserShow.class)
    static final class UserCmd extends Group {
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a user's byte usage (stored, uploaded today) as JSON.")
    static final class UserShow extends DataDirOptions implements Callable<Integer> {
        @Option(names = "--user", required = true, description = "User id.")
        String user;

        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                var u = meta.usage(user, Math.floorDiv(now(), 86_400));
                printJson(Map.of("user_id", user, "stored_bytes", u.storedBytes(), "uploaded_bytes_today", u.uploadedToday()));
            }
            return 0;
        }
    }
}

/** A command that only groups sub-commands (mediaup, token, app, user): run alone, it prints its usage. */
abstract class Group implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
