package dev.mediaup;

import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.store.sql.SqlMetadataStore;
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
        subcommands = {Main.Serve.class, Main.TokenCmd.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main()).setDefaultValueProvider(new Defaults(args));
        System.exit(cl.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
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
        @Option(names = "--workers", defaultValue = "2", description = "Processing worker threads.")
        int workers;
        @Option(names = "--lease-secs", defaultValue = "30", description = "Job lease; a crashed worker's job is retried after this.")
        long leaseSecs;
        @Option(names = "--sweep-interval-secs", defaultValue = "60", description = "How often expired uploads are swept.")
        long sweepIntervalSecs;

        @Override
        public Integer call() throws Exception {
            var d = UploadService.Settings.defaults();
            Map<Category, Long> limits = new EnumMap<>(d.categoryMaxBytes());
            categoryLimits.forEach((k, v) -> limits.put(Category.parse(k).orElseThrow(
                    () -> new CommandLine.ParameterException(new CommandLine(this), "unknown category " + k)), v));
            var settings = new UploadService.Settings(limits, maxSegmentBytes, expiresAfterSecs, amplifyExpiresAfterSecs, maxPixels, minFreeBytes);
            Server server = Server.start(new Server.Options(host, port, dataDir, settings, workers, leaseSecs, sweepIntervalSecs));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mediaup-shutdown"));
            server.awaitStop();
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage bearer tokens.", subcommands = TokenCreate.class)
    static final class TokenCmd implements Runnable {
        @Override
        public void run() {
            new CommandLine(this).usage(System.err);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a bearer token; prints it alone on stdout (only its hash is stored).")
    static final class TokenCreate implements Callable<Integer> {
        @Option(names = "--data-dir", defaultValue = "./data", description = "The server's data directory.")
        Path dataDir;
        @Option(names = "--config", description = "Properties file with options as keys.")
        Path config;
        @Option(names = "--user", required = true, description = "User id the token acts as (digits, like X user ids).")
        String user;
        @Option(names = "--scopes", defaultValue = "media.write tweet.read users.read", description = "Space-separated scopes.")
        String scopes;
        @Option(names = "--expires-in-secs", description = "Lifetime; no expiry when absent.")
        Long expiresInSecs;

        @Override
        public Integer call() throws IOException {
            if (!user.matches("[0-9]{1,19}")) throw new CommandLine.ParameterException(new CommandLine(this), "--user must be 1 to 19 digits");
            Files.createDirectories(dataDir);
            try (var meta = SqlMetadataStore.sqlite(dataDir.resolve("mediaup.db"))) {
                long now = System.currentTimeMillis() / 1000;
                var tokens = new OpaqueTokens(meta, () -> System.currentTimeMillis() / 1000);
                String token = tokens.create(user, Arrays.stream(scopes.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                        expiresInSecs == null ? null : now + expiresInSecs);
                System.out.println(token);
            }
            return 0;
        }
    }
}
