package dev.mediaup.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mediaup.core.Unavailable;
import dev.mediaup.store.MetadataStores;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The SQL database under the role stores, one code path for SQLite (the embedded default) and PostgreSQL (shared by
 * many nodes), through JDBI. Reads use a small pool; every write goes through one writer thread that commits whatever
 * has queued up in a single transaction (group commit); a write that fails leaves its neighbours alone (the batch
 * runs again with each write in its own savepoint). SQLite allows one writer anyway, and with synchronous=FULL the
 * fsync per commit is then shared by all concurrent requests instead of serialising them. The dialect differences are
 * few and all here: on PostgreSQL, other nodes write concurrently, so check-and-write methods lock the upload row first
 * ({@link #forUpdate}), jobs are claimed with {@link #skipLocked}, and a write chosen as a deadlock victim is run again.
 */
public final class SqlDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqlDatabase.class);
    private static final int MAX_BATCH = 512;
    /** What an {@link Unavailable} names. */
    static final String BACKEND = "database";

    private final HikariDataSource readPool;
    final Jdbi jdbi;
    private Handle writer; // writer thread only
    final boolean postgres;
    /** Appended to the SELECT that starts a check-and-write: serialises it with other nodes' writes to the same row. */
    final String forUpdate;
    /** Appended to a SELECT that claims rows (jobs, node ids): another node's claim in flight is skipped, not waited on. */
    final String skipLocked;
    private final BlockingQueue<Write<?>> writes = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    private volatile boolean closed;
    /**
     * Whether the database answered the last probe (PostgreSQL; a SQLite file is always there). While it does not,
     * reads and writes fail at once with {@link Unavailable} instead of each waiting for a connection that will not
     * come: a request that needs the database answers 503 within a second, and one that does not is not slowed.
     */
    private volatile boolean reachable = true;
    private Thread prober;

    private record Write<T>(Function<Handle, T> fn, CompletableFuture<T> result) {}

    private SqlDatabase(HikariDataSource readPool, Handle writer, boolean postgres) {
        this.postgres = postgres;
        this.forUpdate = postgres ? " FOR UPDATE" : "";
        this.skipLocked = postgres ? " FOR UPDATE SKIP LOCKED" : "";
        this.readPool = readPool;
        this.jdbi = Jdbi.create(readPool);
        this.writer = writer;
        this.writerThread = Thread.ofPlatform().name("mediaup-db-writer").daemon().start(this::writeLoop);
    }

    /** The embedded default: one SQLite file in WAL mode with synchronous=FULL, migrated by Flyway. */
    public static SqlDatabase sqlite(Path file) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(30_000);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE); // take the write lock at BEGIN, not mid-transaction
        // the driver asks SQLite for the row id after every insert unless told not to (xerial/sqlite-jdbc#1135): one
        // statement more per insert, and no code of ours reads generated keys (ids are made before the insert)
        cfg.setGetGeneratedKeys(false);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/sqlite").load().migrate();

        HikariConfig hc = new HikariConfig();
        hc.setDataSource(ds);
        hc.setPoolName("mediaup-read");
        hc.setMaximumPoolSize(8);
        hc.setMinimumIdle(2);
        HikariDataSource pool = new HikariDataSource(hc);
        return new SqlDatabase(pool, Jdbi.create(ds).open(), false);
    }

    /**
     * PostgreSQL at a {@code jdbc:postgresql:} URL (user and password apart, or null), migrated by Flyway (its advisory
     * lock lets several nodes start at once).
     */
    public static SqlDatabase postgres(String jdbcUrl, String user, String password) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setPoolName("mediaup-pg");
        hc.setMaximumPoolSize(10);
        hc.setMinimumIdle(2);
        // Hikari waits 30 s for a connection by default: with the database down, every request hung that long and then
        // failed. One second, then Unavailable (503); the prober below makes most of them fail before even that. A pool
        // that is only busy (load) is waited on in read(), a second at a time, while the prober still reaches the database.
        hc.setConnectionTimeout(1_000);
        hc.setValidationTimeout(500);
        // a database that stops answering (paused, network cut) must not hold a request forever: no statement of ours
        // runs for seconds, so a read that waits 15 s is a dead connection
        hc.addDataSourceProperty("connectTimeout", "1");
        hc.addDataSourceProperty("socketTimeout", "15");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration", "classpath:db/postgresql").load().migrate();
            var db = new SqlDatabase(pool, Jdbi.create(pool).open(), true);
            db.prober = Thread.ofPlatform().name("mediaup-db-probe").daemon().start(() -> db.probe(jdbcUrl, user, password));
            return db;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Every 250 ms, asks the database whether it is there on a connection of its own with one-second timeouts (never
     * the request pool's, which may be exhausted by the very requests waiting on it): readiness and the fail-fast
     * above read the answer, and recovery shows within a quarter second of the database's return.
     */
    private void probe(String jdbcUrl, String user, String password) {
        var props = new Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "1");
        props.setProperty("loginTimeout", "1");
        props.setProperty("ApplicationName", "mediaup-probe");
        Connection c = null;
        while (!closed) {
            boolean up;
            try {
                if (c == null) c = DriverManager.getConnection(jdbcUrl, props);
                up = c.isValid(1);
            } catch (SQLException e) {
                up = false;
            }
            if (!up && c != null) {
                try { c.close(); } catch (SQLException ignored) { }
                c = null;
            }
            if (up != reachable) {
                if (up) log.info("the database answers again");
                else log.warn("the database does not answer: requests that need it get 503 until it does");
            }
            reachable = up;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (c != null) try { c.close(); } catch (SQLException ignored) { }
    }

    private static Unavailable unreachable(Throwable cause) {
        return new Unavailable(BACKEND, "The database is unreachable; nothing was recorded. Try again.", cause);
    }

    /** Runs a read on the pool; a database that cannot be reached is an {@link Unavailable}, at once if already known. */
    <T> T read(HandleCallback<T, RuntimeException> fn) {
        long deadline = System.nanoTime() + BUSY_POOL_WAIT_NANOS;
        while (true) {
            if (!reachable) throw unreachable(null);
            try {
                return jdbi.withHandle(fn);
            } catch (JdbiException e) {
                // every pooled connection is busy (load, not an outage: the prober still reaches the database): wait on,
                // one pool timeout at a time, so a database that goes away meanwhile is still noticed within a second
                if (SqlFailures.poolBusy(e) && reachable && System.nanoTime() < deadline) continue;
                if (SqlFailures.connectionLost(e)) throw unreachable(e);
                throw e;
            }
        }
    }

    /** How long a read waits for a pooled connection while the database is up, as Hikari's own default did. */
    private static final long BUSY_POOL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** The role stores on this database; closing them closes it. */
    public MetadataStores stores() {
        var outbox = new SqlOutbox(this);
        var access = new SqlAccess(this);
        SqlMedia media = new SqlMedia(this);
        return new MetadataStores(new SqlUploads(this, outbox), media, media, new SqlJobs(this), access, access, new SqlGrants(this),
                outbox,
                new SqlCluster(this), new SqlMetrics(this), shared(), this::healthy, this::close);
    }

    // ---- the writer ----

    /** Runs {@code fn} in the writer's next transaction and returns its result once committed durably. */
    <T> T write(Function<Handle, T> fn) {
        if (closed) throw new Unavailable(BACKEND, "The server is shutting down.", null);
        if (!reachable) throw unreachable(null);
        CompletableFuture<T> f = new CompletableFuture<>();
        writes.add(new Write<>(fn, f));
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /** Queues {@code fn} for the writer without waiting for it (counters: losing the last seconds to a crash is fine). */
    void writeLater(Function<Handle, ?> fn) {
        if (!closed) writes.add(new Write<>(fn, new CompletableFuture<>()));
    }

    private void writeLoop() {
        List<Write<?>> batch = new ArrayList<>();
        while (true) {
            try {
                Write<?> first = writes.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) batch.add(first);
                writes.drainTo(batch, MAX_BATCH - 1);
                if (!batch.isEmpty()) runBatch(batch);
                else if (closed && writes.isEmpty()) break; // closing, and everything queued is written
            } catch (InterruptedException e) {
                if (closed) break;
            } finally {
                batch.clear();
            }
        }
    }

    /** The writer's statements prepared once (see {@link #prepared}); writer thread only, dropped with its connection. */
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    /**
     * Statements of the hottest reads, prepared once per pooled SQLite connection (see {@link #prepared}) and keyed by
     * the driver's connection behind the pool's wrapper (the pool closes statements made through its wrapper when a
     * handle gives the connection back): a pooled connection serves one reader at a time, so its statements need no lock.
     */
    private final Map<Connection, Map<String, PreparedStatement>> readStatements = new ConcurrentHashMap<>();

    /**
     * {@code sql} prepared once on the handle's connection: SQLite compiles a statement each time it is prepared (the
     * lookup of an upload by id: 37–54 µs prepared each time, 13–20 µs prepared once) and Jdbi binds by name through
     * its argument factories, which for an insert of 13 values costs more than the insert. The writer keeps its
     * statements as long as its connection, a pooled SQLite connection its own ({@link #readStatements}). On
     * PostgreSQL a reader's statement is prepared each time (the driver caches it by its text) and closed by the pool.
     */
    PreparedStatement prepared(Handle h, String sql) throws SQLException {
        if (h != writer && postgres) return h.getConnection().prepareStatement(sql);
        Connection c = h == writer ? h.getConnection() : h.getConnection().unwrap(SQLiteConnection.class);
        Map<String, PreparedStatement> kept = h == writer ? prepared : readStatements.get(c);
        if (kept == null) kept = keepFor(c);
        PreparedStatement ps = kept.get(sql);
        if (ps == null) kept.put(sql, ps = c.prepareStatement(sql));
        else ps.clearParameters();
        return ps;
    }

    /** A new pooled connection's statements; those of connections the pool has closed since are let go. */
    private Map<String, PreparedStatement> keepFor(Connection c) {
        synchronized (readStatements) {
            readStatements.keySet().removeIf(k -> {
                try {
                    return k.isClosed();
                } catch (SQLException e) {
                    return true;
                }
            });
            return readStatements.computeIfAbsent(c, k -> new HashMap<>());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // each write's future completed with its own result, typed by the write
    private void runBatch(List<Write<?>> batch) {
        Object[] results = new Object[batch.size()];
        RuntimeException[] failures = new RuntimeException[batch.size()];
        try {
            // First without savepoints (two statements fewer per write, and nearly every batch has no failure); a write
            // that throws rolls the whole transaction back, and the batch runs again with each write in its own savepoint
            // so the failure stays its own. Writes are functions of the handle alone, run again as after a deadlock.
            if (!runAll(batch, results, failures, false)) runAll(batch, results, failures, true);
            writer.commit();
        } catch (RuntimeException e) {
            if (SqlFailures.connectionLost(e)) log.warn("metadata commit failed: the database is unreachable ({})", e.toString());
            else log.error("metadata commit failed", e);
            try { writer.rollback(); } catch (RuntimeException ignored) { }
            var failed = new Unavailable(BACKEND, "The database could not commit; nothing was recorded. Try again.", e);
            for (Write<?> w : batch) w.result().completeExceptionally(failed); // answer first: reconnecting may take a second
            if (postgres) { // the connection may be what failed (a restarted server): take a fresh one for the next batch
                try { writer.close(); } catch (RuntimeException ignored) { }
                prepared.clear(); // closed with the connection they were prepared on
                try { writer = jdbi.open(); } catch (RuntimeException again) { log.warn("no database connection: {}", again.toString()); }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture f = batch.get(i).result();
            if (failures[i] != null) f.completeExceptionally(failures[i]);
            else f.complete(results[i]);
        }
    }

    /**
     * Runs the batch's writes in a transaction begun here (left open for the commit). Without savepoints it stops at the
     * first write that throws, rolls back and answers false; with them each write that throws is rolled back to its
     * savepoint and its failure kept, and a deadlocked write is run again.
     */
    private boolean runAll(List<Write<?>> batch, Object[] results, RuntimeException[] failures, boolean savepoints) {
        writer.begin();
        for (int i = 0; i < batch.size(); i++) {
            for (int attempt = 1; ; attempt++) {
                if (savepoints) writer.savepoint("w");
                try {
                    results[i] = batch.get(i).fn().apply(writer);
                    if (savepoints) writer.releaseSavepoint("w");
                    break;
                } catch (RuntimeException e) {
                    if (!savepoints) {
                        writer.rollback();
                        return false;
                    }
                    writer.rollbackToSavepoint("w"); // JDBI forgets the savepoint here; COMMIT discards SQLite's leftover
                    if (attempt < 3 && SqlFailures.deadlocked(e)) continue; // another node held the rows: its transaction has ended now
                    failures[i] = e;
                    break;
                }
            }
        }
        return true;
    }

    /** The database every node shares, for state kept beside ours (rate-limit buckets); empty on SQLite. */
    Optional<DataSource> shared() {
        return postgres ? Optional.of(readPool) : Optional.empty();
    }

    /** PostgreSQL: what the prober last saw (instant). SQLite: a query on the local file. */
    boolean healthy() {
        if (!writerThread.isAlive()) return false;
        if (postgres) return reachable;
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (prober != null) prober.interrupt();
        try {
            writerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        readPool.close();
    }
}
