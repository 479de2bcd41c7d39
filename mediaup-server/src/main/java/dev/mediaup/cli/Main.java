package dev.mediaup.cli;

import dev.mediaup.admin.AdminService;
import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.boot.Backends;
import dev.mediaup.config.StorageConfig;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.UserId;
import dev.mediaup.processing.Ffmpeg;
import dev.mediaup.store.AccessStore;
import dev.mediaup.store.MetadataStores;
import dev.mediaup.upload.Sweeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code bin/mediaup}: one entry point, picocli sub-commands. Every option can also come from the environment
 * ({@code --data-dir} → {@code MEDIAUP_DATA_DIR}) or from a properties file ({@code --config FILE}, key {@code data-dir});
 * precedence is flag, then environment, then file, then the built-in default.
 */
@Command(name = "mediaup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-hostable media upload service speaking the X API v2 media protocol.",
        subcommands = {ServeCommand.class, WorkerCommand.class, Main.TokenCmd.class, Main.AppCmd.class, Main.UserCmd.class,
                Main.Gc.class, Main.FfmpegPath.class, ClientCommands.UploadCmd.class, ClientCommands.MediaCmd.class,
                TrainCommand.class, ConfigTemplate.class})
public final class Main extends Group {

    public static void main(String[] args) {
        try {
            Failpoint.armed(); // a bad MEDIAUP_FAILPOINTS stops every command before it touches anything
        } catch (ExceptionInInitializerError e) {
            System.err.println("mediaup: " + e.getCause().getMessage());
            System.exit(2);
        }
        CommandLine cl = new CommandLine(new Main()).setDefaultValueProvider(new Defaults(args));
        // an I/O problem (a port in use, a data dir or ffmpeg that cannot be used) is a message, not a stack trace
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IOException)) throw e;
            cmd.getErr().println("mediaup: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    /** {@code mediaup --version}: the build's version and the commit it was built from (the build writes both). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties build = properties("/mediaup-version.properties"), git = properties("/git.properties");
            String commit = git.getProperty("git.commit.id.abbrev", "unknown")
                    + ("true".equals(git.getProperty("git.dirty")) ? "-dirty" : "");
            return new String[]{"mediaup " + build.getProperty("version", "unknown") + " (commit " + commit + ", "
                    + git.getProperty("git.commit.time", "time unknown") + ")"};
        }

        private static Properties properties(String resource) {
            Properties p = new Properties();
            try (var in = Main.class.getResourceAsStream(resource)) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                // printed as unknown
            }
            return p;
        }
    }

    /** Flag → MEDIAUP_* environment → config file → annotation default. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        private final Properties file = new Properties();
        private final Map<String, String> env;

        Defaults(String[] args) {
            this(args, System.getenv());
        }

        /** {@code env}: the process environment (a test's own map). */
        Defaults(String[] args, Map<String, String> env) {
            this.env = env;
            String path = env.get("MEDIAUP_CONFIG");
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--config") && i + 1 < args.length) path = args[i + 1];
                else if (args[i].startsWith("--config=")) path = args[i].substring("--config=".length());
            }
            if (path != null) {
                try (Reader r = Files.newBufferedReader(Path.of(path))) {
                    file.load(r);
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(new CommandLine(new Main()), "cannot read config file " + path + ": "
                            + e.getMessage());
                }
            }
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec o)) return null;
            String key = o.longestName().replaceFirst("^--", "");
            String fromEnv = env.get("MEDIAUP_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (fromEnv != null) return fromEnv;
            return file.getProperty(key);
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

        StorageConfig storage() {
            try {
                var d = StorageConfig.defaults();
                return StorageConfig.of(dataDir, db, blobs, d.sweepInterval(), d.retention());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
        }

        /**
         * The server's metadata store. With the embedded default, a data dir that holds no database yet is made new — which
         * is what a command run from the wrong directory does: it says so, since a token stored there is one the running
         * server has never heard of.
         */
        MetadataStores open() throws IOException {
            StorageConfig storage = storage();
            if (storage.database().isEmpty() && !Files.exists(storage.sqliteFile()))
                System.err.println("mediaup: warning: " + storage.dataDir().toAbsolutePath().normalize() + " holds no mediaup data: "
                        + "a new, empty data dir is made there. A server running on another data dir will not know what this "
                        + "command stores; give that server's --data-dir (or MEDIAUP_DATA_DIR, or --db).");
            return Backends.metadata(storage);
        }

        /** Where this command's changes are kept, in words (the SQLite file, or the database URL without its password). */
        String where() {
            StorageConfig storage = storage();
            return storage.database().isPresent() ? "the database of --db" : storage.sqliteFile().toAbsolutePath().normalize().toString();
        }
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static void printJson(Object o) {
        System.out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(o));
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
            if (user != null && !UserId.valid(user)) throw new CommandLine.ParameterException(cl, "--user must be " + UserId.RULE);
            if (user == null && app == null) throw new CommandLine.ParameterException(cl,
                    "give --user (user token) or --app (app-only token)");
            if (oauth1 && (user == null || app == null)) throw new CommandLine.ParameterException(cl, "--oauth1 needs --app and --user");
            List<String> scopeList = Arrays.stream(scopes.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
            Long expiresAt = expiresInSecs == null ? null : now() + expiresInSecs;
            try (var meta = open()) {
                if (app != null && meta.access().findApp(app).filter(a -> !a.revoked()).isEmpty())
                    throw new CommandLine.ParameterException(cl, "no app with consumer key " + app + " (see `app create`)");
                if (oauth1) {
                    var t = new AccessStore.OAuth1Token(user + "-" + AdminService.secret(24), AdminService.secret(32), app, user, scopeList,
                            false);
                    meta.access().createOAuth1Token(t, now());
                    printJson(Map.of("oauth_token", t.token(), "oauth_token_secret", t.tokenSecret(), "user_id", user, "consumer_key",
                            app));
                } else {
                    var tokens = new OpaqueTokens(meta.access(), Main::now);
                    System.out.println(user != null ? tokens.createUserToken(user, scopeList, expiresAt) : tokens.createAppToken(app,
                            expiresAt));
                }
                System.err.println("mediaup: stored in " + where() + " (a server on that data dir accepts it)");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List bearer tokens (ids, never secrets) as JSON.")
    static final class TokenList extends DataDirOptions implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                printJson(meta.access().listTokens());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a bearer token (by the id `token list` shows) or an OAuth 1.0a token.")
    static final class TokenRevoke extends DataDirOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "Token id, or OAuth 1.0a oauth_token.")
        String id;

        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                int n = meta.access().revokeToken(id);
                System.err.println(n == 0 ? "no such token" : "revoked (takes effect within 10 s on running servers)");
                return n == 0 ? 1 : 0;
            }
        }
    }

    @Command(name = "app", mixinStandardHelpOptions = true, description = "Manage OAuth apps.", subcommands = AppCreate.class)
    static final class AppCmd extends Group {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an app: prints its consumer key and secret and an app-only bearer token as JSON.")
    static final class AppCreate extends DataDirOptions implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A name for the app.")
        String name;

        @Override
        public Integer call() throws IOException {
            try (var meta = open()) {
                var app = AdminService.newApp(name);
                meta.access().createApp(app, now());
                String bearer = new OpaqueTokens(meta.access(), Main::now).createAppToken(app.consumerKey(), null);
                printJson(Map.of("name", name, "consumer_key", app.consumerKey(), "consumer_secret", app.consumerSecret(), "bearer_token",
                        bearer));
            }
            return 0;
        }
    }

    @Command(name = "ffmpeg-path", mixinStandardHelpOptions = true,
            description = {"Print the path of the ffmpeg executable the server runs.",
            "The bundled one is extracted on first use; its libraries sit beside it: set LD_LIBRARY_PATH to that directory."})
    static final class FfmpegPath implements Callable<Integer> {
        @Option(names = "--ffmpeg", description = "A system ffmpeg, as for serve.")
        String ffmpeg;

        @Override
        public Integer call() throws IOException {
            System.out.println(new Ffmpeg(ffmpeg, Ffmpeg.Limits.defaults()).tools().ffmpeg());
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = {"Run the sweeper now (safe while a server runs).",
            "Expires idle sessions and deletes their bytes, retires media past --media-retention-secs, and deletes blobs nothing",
            "refers to (older than an hour)."})
    static final class Gc extends DataDirOptions implements Callable<Integer> {
        @CommandLine.Mixin
        RetentionOption retention;
        @Option(names = "--orphan-min-age-secs", defaultValue = "3600", converter = Seconds.class,
                description = {"Delete blobs nothing refers to once they are this old (default: an hour).",
                        "Lower it only while no server runs: a younger orphan may be an append being recorded."})
        Duration orphanMinAge;

        @Override
        public Integer call() throws IOException {
            try (var meta = open(); var blobs = Backends.blobs(storage())) {
                printJson(new Sweeper(meta.uploads(), meta.content(), blobs, Main::now,
                        retention.retention()).sweep(orphanMinAge));
            }
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
                var u = meta.uploads().usage(user, Math.floorDiv(now(), 86_400));
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
