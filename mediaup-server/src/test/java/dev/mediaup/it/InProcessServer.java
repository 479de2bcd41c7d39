package dev.mediaup.it;

import dev.mediaup.auth.OpaqueTokens;
import dev.mediaup.boot.Backends;
import dev.mediaup.boot.Server;
import dev.mediaup.cli.ServeCommand;
import dev.mediaup.config.ServeConfig;
import dev.mediaup.store.MetadataStores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real server — its routes, services, SQLite and file store, Javalin on a free port — started inside the test's
 * JVM instead of as a process: tusd's {@code patch_test.go} model. Fast enough for tables of cases that ask only what
 * the wire answers and what the stores then hold; what needs a process (kill -9, SIGTERM, a CLI, another node) stays
 * with {@link ServerProcess}. Its clock is the test's: rules of time (expiry, retention, backoff) run forward with
 * {@link #advance} instead of sleeping.
 */
public final class InProcessServer implements AutoCloseable {
    public final Path dataDir;
    private final ServeConfig config;
    private final AtomicLong now = new AtomicLong(System.currentTimeMillis() / 1000);
    private final Server server;

    private InProcessServer(Path dataDir, String... serveArgs) throws IOException {
        this.dataDir = dataDir;
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()));
        args.addAll(Arrays.asList(serveArgs));
        this.config = ServeCommand.parse(Map.of(), args.toArray(String[]::new));
        this.server = Server.start(config, now::get);
    }

    /** A server on the embedded default (SQLite and files in {@code dataDir}) with these {@code serve} arguments. */
    public static InProcessServer start(Path dataDir, String... serveArgs) throws IOException {
        Files.createDirectories(dataDir);
        return new InProcessServer(dataDir, serveArgs);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The server's clock, in epoch seconds. */
    public long now() {
        return now.get();
    }

    /** Runs the server's clock forward: what would expire in {@code d} has expired. */
    public void advance(Duration d) {
        now.addAndGet(d.toSeconds());
    }

    /** A bearer token for {@code user}, stored as {@code mediaup token create} stores it. */
    public String createToken(String user, String scopes) throws IOException {
        return createToken(user, scopes, null);
    }

    /** A bearer token that expires at {@code expiresAt} (epoch seconds, on the server's clock), or never when null. */
    public String createToken(String user, String scopes, Long expiresAt) throws IOException {
        try (MetadataStores stores = Backends.metadata(config.storage())) {
            return new OpaqueTokens(stores.access(), now::get).createUserToken(user, List.of(scopes.split(" ")), expiresAt);
        }
    }

    /** A JDBC connection to the server's SQLite database. */
    public Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("mediaup.db"));
    }

    /** Blob key → size under {@code prefix}, from the file store. */
    public Map<String, Long> blobs(String prefix) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        Path root = dataDir.resolve("blobs"), dir = root.resolve(prefix);
        if (!Files.exists(dir)) return out;
        try (var files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p.toFile().length()));
        }
        return out;
    }

    @Override
    public void close() {
        server.close();
    }
}
