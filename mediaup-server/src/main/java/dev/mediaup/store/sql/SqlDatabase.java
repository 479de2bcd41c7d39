package dev.mediaup.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mediaup.core.Unavailable;
import dev.mediaup.store.MetadataStores;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The SQL database under the role stores, one code path for SQLite (the embedded default) and PostgreSQL (shared by
 * many nodes), through JDBI. Reads use a small pool; every write goes through one writer thread that commits whatever
 * has queued up in a single transaction (group commit), each write inside its own savepoint so a refused write leaves
 * its neighbours alone. SQLite allows one writer anyway, and with synchronous=FULL the fsync per commit is then shared
 * by all concurrent requests instead of serialising them. The dialect differences are few and all here: on PostgreSQL,
 * other nodes write concurrently, so check-and-write methods lock the upload row first ({@link #forUpdate}), jobs are
 * claimed with {@link #skipLocked}, and a write chosen as a deadlock victim is run again.
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
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

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
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration", "classpath:db/postgresql").load().migrate();
            return new SqlDatabase(pool, Jdbi.create(pool).open(), true);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The role stores on this database; closing them closes it. */
    public MetadataStores stores() {
        var outbox = new SqlOutbox(this);
        var access = new SqlAccess(this);
        return new MetadataStores(new SqlUploads(this, outbox), new SqlMedia(this), new SqlJobs(this), access, outbox,
                new SqlCluster(this), new SqlMetrics(this), shared(), this::healthy, this::close);
    }

    // ---- the writer ----

    /** Runs {@code fn} in the writer's next transaction and returns its result once committed durably. */
    <T> T write(Function<Handle, T> fn) {
        if (closed) throw new Unavailable(BACKEND, "The server is shutting down.", null);
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

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void runBatch(List<Write<?>> batch) {
        Object[] results = new Object[batch.size()];
        RuntimeException[] failures = new RuntimeException[batch.size()];
        try {
            writer.begin();
            for (int i = 0; i < batch.size(); i++) {
                for (int attempt = 1; ; attempt++) {
                    writer.savepoint("w");
                    try {
                        results[i] = batch.get(i).fn().apply(writer);
                        writer.releaseSavepoint("w");
                        break;
                    } catch (RuntimeException e) {
                        writer.rollbackToSavepoint("w"); // JDBI forgets the savepoint here; COMMIT discards SQLite's leftover
                        if (attempt < 3 && deadlocked(e)) continue; // another node held the rows: its transaction has ended now
                        failures[i] = e;
                        break;
                    }
                }
            }
            writer.commit();
        } catch (RuntimeException e) {
            log.error("metadata commit failed", e);
            try { writer.rollback(); } catch (RuntimeException ignored) { }
            if (postgres) { // the connection may be what failed (a restarted server): take a fresh one for the next batch
                try { writer.close(); } catch (RuntimeException ignored) { }
                try { writer = jdbi.open(); } catch (RuntimeException again) { log.warn("no database connection: {}", again.toString()); }
            }
            var failed = new Unavailable(BACKEND, "The metadata store could not commit; nothing was recorded. Try again.", e);
            for (Write<?> w : batch) w.result().completeExceptionally(failed);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture f = batch.get(i).result();
            if (failures[i] != null) f.completeExceptionally(failures[i]);
            else f.complete(results[i]);
        }
    }

    /** The database every node shares, for state kept beside ours (rate-limit buckets); empty on SQLite. */
    Optional<DataSource> shared() {
        return postgres ? Optional.of(readPool) : Optional.empty();
    }

    /** PostgreSQL chose this statement as a deadlock victim or serialization failure: safe to run again. */
    private static boolean deadlocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SQLException se && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState()))) return true;
        return false;
    }

    boolean healthy() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1 && writerThread.isAlive();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        readPool.close();
    }
}
