package dev.mediaup.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mediaup.Problem;
import dev.mediaup.store.MetadataStore;
import dev.mediaup.upload.Media.*;
import dev.mediaup.upload.UploadService;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.*;
import java.util.function.Function;

/**
 * MetadataStore on SQL through JDBI, one code path for SQLite (the embedded default) and PostgreSQL (shared by many
 * nodes). Reads use a small pool; every write goes through one writer thread that commits whatever has queued up in
 * a single transaction (group commit), each write inside its own savepoint so a refused write leaves its neighbours
 * alone. SQLite allows one writer anyway, and with synchronous=FULL the fsync per commit is then shared by all
 * concurrent requests instead of serialising them. The dialect differences are few and all here: on PostgreSQL,
 * other nodes write concurrently, so check-and-write methods lock the upload row first ({@code FOR UPDATE}), jobs
 * are claimed with {@code SKIP LOCKED}, and a write chosen as a deadlock victim is run again.
 */
public final class SqlMetadataStore implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(SqlMetadataStore.class);
    private static final int MAX_BATCH = 512;

    private final HikariDataSource readPool;
    private final Jdbi jdbi;
    private Handle writer; // writer thread only
    private final boolean postgres;
    /** Appended to the SELECT that starts a check-and-write: serialises it with other nodes' writes to the same row. */
    private final String forUpdate;
    private final BlockingQueue<Write<?>> writes = new LinkedBlockingQueue<>();
    /** OAuth nonces waiting to be written: they ride along with the next commit as one batch, not one write each. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Object[]> pendingNonces = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long lastNonceFlush; // writer thread only
    private final Thread writerThread;
    private volatile boolean closed;

    private record Write<T>(Function<Handle, T> fn, CompletableFuture<T> result) {}

    private SqlMetadataStore(HikariDataSource readPool, Handle writer, boolean postgres) {
        this.postgres = postgres;
        this.forUpdate = postgres ? " FOR UPDATE" : "";
        this.readPool = readPool;
        this.jdbi = Jdbi.create(readPool);
        this.writer = writer;
        this.writerThread = Thread.ofPlatform().name("mediaup-db-writer").daemon().start(this::writeLoop);
    }

    /** The embedded default: one SQLite file in WAL mode with synchronous=FULL, migrated by Flyway. */
    public static SqlMetadataStore sqlite(Path file) {
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
        return new SqlMetadataStore(pool, Jdbi.create(ds).open(), false);
    }

    /**
     * PostgreSQL at {@code postgresql://user:password@host:port/database?param=…} (also {@code postgres://} or a
     * {@code jdbc:postgresql:} URL), migrated by Flyway (its advisory lock lets several nodes start at once).
     */
    public static SqlMetadataStore postgres(String url) {
        String jdbc;
        String user = null, password = null;
        if (url.startsWith("jdbc:")) {
            jdbc = url;
        } else {
            java.net.URI u = java.net.URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
            if (u.getRawUserInfo() != null) {
                String[] up = u.getRawUserInfo().split(":", 2);
                user = java.net.URLDecoder.decode(up[0], java.nio.charset.StandardCharsets.UTF_8);
                if (up.length > 1) password = java.net.URLDecoder.decode(up[1], java.nio.charset.StandardCharsets.UTF_8);
            }
            jdbc = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath()
                    + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbc);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setPoolName("mediaup-pg");
        hc.setMaximumPoolSize(10);
        hc.setMinimumIdle(2);
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration", "classpath:db/postgresql").load().migrate();
            return new SqlMetadataStore(pool, Jdbi.create(pool).open(), true);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    // ---- the writer ----

    private <T> T write(Function<Handle, T> fn) {
        if (closed) throw Problem.of(Problem.Kind.UNAVAILABLE, "The server is shutting down.");
        CompletableFuture<T> f = new CompletableFuture<>();
        writes.add(new Write<>(fn, f));
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private void writeLoop() {
        List<Write<?>> batch = new ArrayList<>();
        while (!closed || !writes.isEmpty() || !pendingNonces.isEmpty()) {
            try {
                Write<?> first = writes.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) batch.add(first);
                writes.drainTo(batch, MAX_BATCH - 1);
                // nonces ride along at most twice a second: fewer, larger batches (memory guards replays meanwhile)
                if (!pendingNonces.isEmpty() && (closed || System.nanoTime() - lastNonceFlush > 500_000_000L)) {
                    batch.add(nonceBatch());
                    lastNonceFlush = System.nanoTime();
                }
                if (!batch.isEmpty()) runBatch(batch);
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
            Problem p = Problem.of(Problem.Kind.UNAVAILABLE, "The metadata store could not commit; nothing was recorded. Try again.");
            for (Write<?> w : batch) w.result().completeExceptionally(p);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture f = batch.get(i).result();
            if (failures[i] != null) f.completeExceptionally(failures[i]);
            else f.complete(results[i]);
        }
    }

    /** The database every node shares, for state kept beside ours (rate-limit buckets); empty on SQLite. */
    public Optional<javax.sql.DataSource> shared() {
        return postgres ? Optional.of(readPool) : Optional.empty();
    }

    /** PostgreSQL chose this statement as a deadlock victim or serialization failure: safe to run again. */
    private static boolean deadlocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SQLException se && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState()))) return true;
        return false;
    }

    // ---- uploads ----

    private static final RowMapper<Upload> UPLOAD = (rs, ctx) -> upload(rs);

    private static Upload upload(ResultSet rs) throws SQLException {
        String owners = rs.getString("additional_owners");
        return new Upload(rs.getLong("id"), rs.getString("owner_id"), rs.getString("media_type"),
                Category.valueOf(rs.getString("category")), Family.valueOf(rs.getString("family")),
                nLong(rs, "total_bytes"), rs.getBoolean("shared"),
                owners.isEmpty() ? List.of() : Arrays.asList(owners.split(",")),
                State.valueOf(rs.getString("state")), rs.getLong("created_at"), rs.getLong("expires_at"),
                nLong(rs, "size"), rs.getInt("progress"),
                new Info(nInt(rs, "width"), nInt(rs, "height"), rs.getString("image_type"),
                        rs.getString("video_type"), nLong(rs, "duration_ms")),
                rs.getObject("error_code") == null ? null
                        : new Failure(rs.getInt("error_code"), rs.getString("error_name"), rs.getString("error_message")),
                rs.getString("metadata"), rs.getInt("check_after_secs"));
    }

    // sqlite-jdbc's getObject(column, Long.class) fails on NULL; wasNull() works everywhere
    private static Long nLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Integer nInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void createUpload(Upload u) {
        write(h -> h.createUpdate("""
                INSERT INTO uploads (id, owner_id, media_type, category, family, total_bytes, shared, additional_owners, state,
                                     created_at, expires_at, progress)
                VALUES (:id, :owner, :type, :category, :family, :total, :shared, :owners, :state, :created, :expires, 0)""")
                .bind("id", u.id()).bind("owner", u.ownerId()).bind("type", u.mediaType())
                .bind("category", u.category().name()).bind("family", u.family().name()).bind("total", u.totalBytes())
                .bind("shared", u.shared()).bind("owners", String.join(",", u.additionalOwners()))
                .bind("state", u.state().name()).bind("created", u.createdAt()).bind("expires", u.expiresAt())
                .execute());
    }

    @Override
    public Optional<Upload> findUpload(long id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    private static Optional<Upload> find(Handle h, long id) {
        return h.createQuery("SELECT * FROM uploads WHERE id = :id").bind("id", id).map(UPLOAD).findOne();
    }

    /** The upload, its row locked until the transaction ends (PostgreSQL; SQLite has one writer anyway). */
    private Optional<Upload> locked(Handle h, long id) {
        return h.createQuery("SELECT * FROM uploads WHERE id = :id" + forUpdate).bind("id", id).map(UPLOAD).findOne();
    }

    @Override
    public SegmentPut putSegment(Segment s, long now, long maxTotal, Quota quota) {
        return write(h -> {
            Upload u = locked(h, s.uploadId()).orElseThrow(() -> Problem.notFound("id", Long.toString(s.uploadId())));
            UploadService.checkAppendable(u, now);
            var previous = h.createQuery("SELECT blob_key, size FROM segments WHERE upload_id = :u AND idx = :i")
                    .bind("u", s.uploadId()).bind("i", s.index())
                    .map((rs, ctx) -> new Segment(s.uploadId(), s.index(), rs.getLong("size"), null, rs.getString("blob_key"))).findOne();
            long others = h.createQuery("SELECT COALESCE(SUM(size), 0) FROM segments WHERE upload_id = :u AND idx <> :i")
                    .bind("u", s.uploadId()).bind("i", s.index()).mapTo(Long.class).one();
            if (others + s.size() > maxTotal)
                throw new Problem(Problem.Kind.TOO_LARGE, "Segment " + s.index() + " (" + s.size() + " bytes) would bring the upload to "
                        + (others + s.size()) + " bytes, beyond its limit of " + maxTotal + " (total_bytes or the category maximum); it was not stored.",
                        "segment_index", Integer.toString(s.index()));
            long delta = s.size() - previous.map(Segment::size).orElse(0L);
            chargeUsage(h, u.ownerId(), now, s.size(), delta, quota);
            h.createUpdate("""
                    INSERT INTO segments (upload_id, idx, size, sha256, blob_key, received_at) VALUES (:u, :i, :size, :sha, :key, :now)
                    ON CONFLICT (upload_id, idx) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
                        blob_key = excluded.blob_key, received_at = excluded.received_at""")
                    .bind("u", s.uploadId()).bind("i", s.index()).bind("size", s.size()).bind("sha", s.sha256())
                    .bind("key", s.blobKey()).bind("now", now).execute();
            return new SegmentPut(u, previous.map(Segment::blobKey));
        });
    }

    /** Adds {@code received} to today's upload count and {@code storedDelta} to the stored total, within the quota. */
    private void chargeUsage(Handle h, String user, long now, long received, long storedDelta, Quota quota) {
        long day = Math.floorDiv(now, 86_400);
        if (postgres && (quota.dailyBytes() != null || quota.storedBytes() != null)) {
            // exact quotas across nodes: the user's counter rows exist and are locked before they are read
            h.createUpdate("INSERT INTO usage_daily (user_id, day, uploaded_bytes) VALUES (:u, :d, 0) ON CONFLICT DO NOTHING")
                    .bind("u", user).bind("d", day).execute();
            h.createUpdate("INSERT INTO usage_stored (user_id, stored_bytes) VALUES (:u, 0) ON CONFLICT DO NOTHING").bind("u", user).execute();
            h.createQuery("SELECT stored_bytes FROM usage_stored WHERE user_id = :u FOR UPDATE").bind("u", user).mapTo(Long.class).one();
            h.createQuery("SELECT uploaded_bytes FROM usage_daily WHERE user_id = :u AND day = :d FOR UPDATE").bind("u", user).bind("d", day)
                    .mapTo(Long.class).one();
        }
        long today = h.createQuery("SELECT uploaded_bytes FROM usage_daily WHERE user_id = :u AND day = :d").bind("u", user).bind("d", day)
                .mapTo(Long.class).findOne().orElse(0L);
        long stored = h.createQuery("SELECT stored_bytes FROM usage_stored WHERE user_id = :u").bind("u", user).mapTo(Long.class).findOne().orElse(0L);
        if (quota.dailyBytes() != null && today + received > quota.dailyBytes())
            throw UploadService.dailyQuota(quota.dailyBytes(), today, now);
        if (quota.storedBytes() != null && storedDelta > 0 && stored + storedDelta > quota.storedBytes())
            throw UploadService.storedQuota(quota.storedBytes(), stored);
        h.createUpdate("""
                INSERT INTO usage_daily (user_id, day, uploaded_bytes) VALUES (:u, :d, :b)
                ON CONFLICT (user_id, day) DO UPDATE SET uploaded_bytes = usage_daily.uploaded_bytes + excluded.uploaded_bytes""")
                .bind("u", user).bind("d", day).bind("b", received).execute();
        addStored(h, user, storedDelta);
    }

    private static void addStored(Handle h, String user, long delta) {
        h.createUpdate("""
                INSERT INTO usage_stored (user_id, stored_bytes) VALUES (:u, :b)
                ON CONFLICT (user_id) DO UPDATE SET stored_bytes = usage_stored.stored_bytes + excluded.stored_bytes""")
                .bind("u", user).bind("b", delta).execute();
    }

    @Override
    public Usage usage(String userId, long epochDay) {
        return jdbi.withHandle(h -> new Usage(userId,
                h.createQuery("SELECT stored_bytes FROM usage_stored WHERE user_id = :u").bind("u", userId).mapTo(Long.class).findOne().orElse(0L),
                h.createQuery("SELECT uploaded_bytes FROM usage_daily WHERE user_id = :u AND day = :d").bind("u", userId).bind("d", epochDay)
                        .mapTo(Long.class).findOne().orElse(0L)));
    }

    @Override
    public List<Segment> segments(long uploadId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM segments WHERE upload_id = :u ORDER BY idx").bind("u", uploadId)
                .map((rs, ctx) -> new Segment(rs.getLong("upload_id"), rs.getInt("idx"), rs.getLong("size"), rs.getString("sha256"),
                        rs.getString("blob_key"))).list());
    }

    @Override
    public List<Upload> findUploads(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) return List.of();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM uploads WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids)).map(UPLOAD).list());
    }

    @Override
    public List<Upload> uploadsOf(String ownerId, Long beforeId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM uploads WHERE owner_id = :o AND id < :b AND state IN ('PENDING', 'IN_PROGRESS', 'SUCCEEDED')
                ORDER BY id DESC LIMIT :l""")
                .bind("o", ownerId).bind("b", beforeId == null ? Long.MAX_VALUE : beforeId).bind("l", limit).map(UPLOAD).list());
    }

    @Override
    public Upload setMetadata(long id, String metadataJson) {
        return write(h -> {
            h.createUpdate("UPDATE uploads SET metadata = :m WHERE id = :id").bind("m", metadataJson).bind("id", id).execute();
            return find(h, id).orElseThrow(() -> Problem.notFound("id", Long.toString(id)));
        });
    }

    @Override
    public void deleteUpload(long id) {
        write(h -> {
            releaseStored(h, id);
            find(h, id).ifPresent(u -> addStored(h, u.ownerId(), -h.createQuery("SELECT COALESCE(SUM(size), 0) FROM variants WHERE media_id = :u")
                    .bind("u", id).mapTo(Long.class).one()));
            h.createUpdate("DELETE FROM segments WHERE upload_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM variants WHERE media_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM webhook_outbox WHERE media_id = :u AND delivered_at IS NOT NULL").bind("u", id).execute();
            h.createUpdate("DELETE FROM jobs WHERE upload_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM subtitles WHERE video_id = :u OR subtitles_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM media_metrics WHERE media_id = :u").bind("u", id).execute();
            return h.createUpdate("DELETE FROM uploads WHERE id = :u").bind("u", id).execute();
        });
    }

    @Override
    public void putSubtitles(SubtitleTrack t) {
        write(h -> h.createUpdate("""
                INSERT INTO subtitles (video_id, language_code, subtitles_id, display_name) VALUES (:v, :l, :s, :d)
                ON CONFLICT (video_id, language_code) DO UPDATE SET subtitles_id = excluded.subtitles_id, display_name = excluded.display_name""")
                .bind("v", t.videoId()).bind("l", t.languageCode()).bind("s", t.subtitlesId()).bind("d", t.displayName()).execute());
    }

    @Override
    public boolean deleteSubtitles(long videoId, String languageCode) {
        return write(h -> h.createUpdate("DELETE FROM subtitles WHERE video_id = :v AND language_code = :l")
                .bind("v", videoId).bind("l", languageCode).execute()) > 0;
    }

    @Override
    public List<SubtitleTrack> subtitles(long videoId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM subtitles WHERE video_id = :v ORDER BY language_code").bind("v", videoId)
                .map((rs, ctx) -> new SubtitleTrack(rs.getLong("video_id"), rs.getString("language_code"), rs.getLong("subtitles_id"),
                        rs.getString("display_name"))).list());
    }

    @Override
    public void countMetrics(Map<Long, Map<Long, Map<String, Long>>> deltas) {
        if (closed || deltas.isEmpty()) return;
        writes.add(new Write<>(h -> {
            var b = h.prepareBatch("""
                    INSERT INTO media_metrics (media_id, hour, metric, value) VALUES (:m, :h, :k, :v)
                    ON CONFLICT (media_id, hour, metric) DO UPDATE SET value = media_metrics.value + excluded.value""");
            deltas.forEach((m, hours) -> hours.forEach((hour, counts) -> counts.forEach((k, v) ->
                    b.bind("m", m).bind("h", hour).bind("k", k).bind("v", v).add())));
            return b.execute();
        }, new CompletableFuture<>()));
    }

    @Override
    public Map<Long, Map<String, Long>> metrics(long mediaId, long fromHour, long toHour) {
        Map<Long, Map<String, Long>> out = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT hour, metric, value FROM media_metrics WHERE media_id = :m AND hour BETWEEN :f AND :t")
                .bind("m", mediaId).bind("f", fromHour).bind("t", toHour)
                .map((rs, ctx) -> new Object[]{rs.getLong(1), rs.getString(2), rs.getLong(3)})
                .forEach(r -> out.computeIfAbsent((Long) r[0], k -> new java.util.HashMap<>()).merge((String) r[1], (Long) r[2], Long::sum)));
        return out;
    }

    @Override
    public String secret(String name, java.util.function.Supplier<String> create) {
        return write(h -> {
            h.createUpdate("INSERT INTO server_secrets (name, value) VALUES (:n, :v) ON CONFLICT DO NOTHING")
                    .bind("n", name).bind("v", create.get()).execute();
            return h.createQuery("SELECT value FROM server_secrets WHERE name = :n").bind("n", name).mapTo(String.class).one();
        });
    }

    @Override
    public Upload finalizeUpload(long id, List<Segment> manifest, String originalKey, State state, long size, Info info, Failure failure,
                                 String jobKind, long now, long expiresAt) {
        return write(h -> {
            locked(h, id); // appends to this upload on other nodes wait until the manifest is settled
            if (!sameSegments(h, id, manifest))
                throw new Problem(Problem.Kind.CONFLICT, "Segments of upload " + id + " changed while it was being finalized; FINALIZE again.",
                        "id", Long.toString(id));
            int n = h.createUpdate("""
                    UPDATE uploads SET state = :state, size = :size, total_bytes = COALESCE(total_bytes, :size), expires_at = :expires,
                        width = :w, height = :h, image_type = :it, video_type = :vt, duration_ms = :d,
                        error_code = :ec, error_name = :en, error_message = :em, progress = :progress, original_key = :ok
                    WHERE id = :id AND state = 'UPLOADING'""")
                    .bind("ok", originalKey).bind("state", state.name()).bind("size", size).bind("expires", expiresAt).bind("id", id)
                    .bind("progress", state == State.SUCCEEDED || state == State.FAILED ? 100 : 0)
                    .bind("w", info.width()).bind("h", info.height()).bind("it", info.imageType()).bind("vt", info.videoType())
                    .bind("d", info.durationMs())
                    .bind("ec", failure == null ? null : failure.code()).bind("en", failure == null ? null : failure.name())
                    .bind("em", failure == null ? null : failure.message()).execute();
            if (n == 0) throw new Problem(Problem.Kind.CONFLICT, "Upload " + id + " was finalized concurrently.", "id", Long.toString(id));
            queueWebhooks(h, id, state);
            if (jobKind != null)
                h.createUpdate("INSERT INTO jobs (upload_id, kind, state, attempts, run_after) VALUES (:u, :k, 'QUEUED', 0, :now)")
                        .bind("u", id).bind("k", jobKind).bind("now", now).execute();
            return find(h, id).orElseThrow();
        });
    }

    @Override
    public boolean setOriginal(long id, List<Segment> manifest, String key) {
        return write(h -> {
            locked(h, id);
            if (!sameSegments(h, id, manifest)) return false;
            h.createUpdate("UPDATE uploads SET original_key = :k WHERE id = :id").bind("k", key).bind("id", id).execute();
            return true;
        });
    }

    @Override
    public List<Segment> stored(long uploadId) {
        String key = jdbi.withHandle(h -> h.createQuery("SELECT original_key FROM uploads WHERE id = :id").bind("id", uploadId)
                .mapTo(String.class).findOne().orElse(null));
        List<Segment> segs = segments(uploadId);
        if (key == null || segs.isEmpty()) return segs;
        return List.of(new Segment(uploadId, 0, segs.stream().mapToLong(Segment::size).sum(), null, key));
    }

    private static boolean sameSegments(Handle h, long id, List<Segment> manifest) {
        List<String> current = h.createQuery("SELECT blob_key FROM segments WHERE upload_id = :u ORDER BY idx").bind("u", id)
                .mapTo(String.class).list();
        return current.equals(manifest.stream().map(Segment::blobKey).toList());
    }

    @Override
    public void updateProcessing(long id, State state, int progress, int checkAfterSecs, Info info, Failure failure) {
        write(h -> {
            int n = h.createUpdate("""
                    UPDATE uploads SET state = :state, progress = :progress, check_after_secs = :ca,
                        width = COALESCE(:w, width), height = COALESCE(:h, height), image_type = COALESCE(:it, image_type),
                        video_type = COALESCE(:vt, video_type), duration_ms = COALESCE(:d, duration_ms),
                        error_code = :ec, error_name = :en, error_message = :em
                    WHERE id = :id""")
                    .bind("state", state.name()).bind("progress", progress).bind("ca", checkAfterSecs).bind("id", id)
                    .bind("w", info.width()).bind("h", info.height()).bind("it", info.imageType()).bind("vt", info.videoType())
                    .bind("d", info.durationMs())
                    .bind("ec", failure == null ? null : failure.code()).bind("en", failure == null ? null : failure.name())
                    .bind("em", failure == null ? null : failure.message()).execute();
            if (n > 0) queueWebhooks(h, id, state);
            return n;
        });
    }

    private volatile List<String> webhookTargets = List.of();

    @Override
    public void webhookTargets(List<String> urls) {
        webhookTargets = List.copyOf(urls);
    }

    /** A terminal state queues one event per target; a repeated transition (a retried job) queues nothing new. */
    private void queueWebhooks(Handle h, long id, State state) {
        if (state != State.SUCCEEDED && state != State.FAILED) return;
        long now = System.currentTimeMillis() / 1000;
        for (String url : webhookTargets)
            h.createUpdate("""
                    INSERT INTO webhook_outbox (media_id, event, url, created_at, attempts, next_attempt_at) VALUES (:m, :e, :u, :now, 0, :now)
                    ON CONFLICT DO NOTHING""")
                    .bind("m", id).bind("e", state.wire()).bind("u", url).bind("now", now).execute();
    }

    @Override
    public List<WebhookEvent> claimWebhooks(long now, long claimSecs, int limit) {
        return write(h -> {
            List<WebhookEvent> due = h.createQuery("""
                    SELECT media_id, event, url, attempts FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= :now
                    ORDER BY next_attempt_at LIMIT :l""")
                    .bind("now", now).bind("l", limit)
                    .map((rs, ctx) -> new WebhookEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
            for (WebhookEvent e : due)
                h.createUpdate("UPDATE webhook_outbox SET next_attempt_at = :n WHERE media_id = :m AND event = :e AND url = :u")
                        .bind("n", now + claimSecs).bind("m", e.mediaId()).bind("e", e.event()).bind("u", e.url()).execute();
            return due;
        });
    }

    @Override
    public void webhookAttempted(WebhookEvent e, long now, Long runAfter, String error) {
        write(h -> h.createUpdate("""
                UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = :d, next_attempt_at = COALESCE(:r, next_attempt_at),
                    last_error = :err WHERE media_id = :m AND event = :e AND url = :u""")
                .bind("d", runAfter == null ? now : null).bind("r", runAfter).bind("err", error)
                .bind("m", e.mediaId()).bind("e", e.event()).bind("u", e.url()).execute());
    }

    @Override
    public void purgeWebhooks(long before) {
        write(h -> h.createUpdate("DELETE FROM webhook_outbox WHERE delivered_at < :t").bind("t", before).execute());
    }

    private static final RowMapper<Variant> VARIANT = (rs, ctx) -> new Variant(rs.getLong("media_id"), rs.getString("name"),
            rs.getString("content_type"), rs.getLong("size"), nInt(rs, "width"), nInt(rs, "height"), nInt(rs, "bit_rate"),
            rs.getString("sha256"), rs.getString("blob_key"));

    @Override
    public void putVariants(long mediaId, List<Variant> variants) {
        write(h -> {
            Upload u = find(h, mediaId).orElseThrow(() -> Problem.notFound("id", Long.toString(mediaId)));
            long delta = 0;
            for (Variant v : variants) {
                delta += v.size() - h.createQuery("SELECT COALESCE(SUM(size), 0) FROM variants WHERE media_id = :m AND name = :n")
                        .bind("m", mediaId).bind("n", v.name()).mapTo(Long.class).one();
                h.createUpdate("""
                        INSERT INTO variants (media_id, name, content_type, size, width, height, bit_rate, sha256, blob_key)
                        VALUES (:m, :n, :ct, :size, :w, :h, :br, :sha, :key)
                        ON CONFLICT (media_id, name) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                            width = excluded.width, height = excluded.height, bit_rate = excluded.bit_rate, sha256 = excluded.sha256,
                            blob_key = excluded.blob_key""")
                        .bind("m", mediaId).bind("n", v.name()).bind("ct", v.contentType()).bind("size", v.size()).bind("w", v.width())
                        .bind("h", v.height()).bind("br", v.bitRate()).bind("sha", v.sha256()).bind("key", v.blobKey()).execute();
            }
            addStored(h, u.ownerId(), delta);
            return null;
        });
    }

    @Override
    public List<Variant> variants(java.util.Collection<Long> mediaIds, boolean parts) {
        if (mediaIds.isEmpty()) return List.of();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM variants WHERE media_id IN (<ids>)"
                        + (parts ? "" : " AND name NOT LIKE 'hls.%'") + " ORDER BY media_id, name")
                .bindList("ids", List.copyOf(mediaIds)).map(VARIANT).list());
    }

    @Override
    public Optional<Variant> variant(long mediaId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM variants WHERE media_id = :id AND name = :n").bind("id", mediaId)
                .bind("n", name).map(VARIANT).findOne());
    }

    @Override
    public int expireUploads(long now) {
        return write(h -> h.createUpdate("UPDATE uploads SET state = 'EXPIRED' WHERE state = 'UPLOADING' AND expires_at <= :now")
                .bind("now", now).execute());
    }

    @Override
    public List<Long> expiredWithSegments(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT DISTINCT u.id FROM uploads u JOIN segments s ON s.upload_id = u.id WHERE u.state = 'EXPIRED' LIMIT :limit""")
                .bind("limit", limit).mapTo(Long.class).list());
    }

    @Override
    public List<Long> mediaCreatedBefore(long createdBefore, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id FROM uploads WHERE state IN ('SUCCEEDED', 'FAILED', 'PENDING', 'IN_PROGRESS') AND created_at < :t ORDER BY id LIMIT :l""")
                .bind("t", createdBefore).bind("l", limit).mapTo(Long.class).list());
    }

    @Override
    public void deleteSegments(long uploadId) {
        write(h -> {
            releaseStored(h, uploadId);
            h.createUpdate("UPDATE uploads SET original_key = NULL WHERE id = :u").bind("u", uploadId).execute();
            return h.createUpdate("DELETE FROM segments WHERE upload_id = :u").bind("u", uploadId).execute();
        });
    }

    /** Gives the owner back the stored bytes of an upload's segments (before they are deleted). */
    private static void releaseStored(Handle h, long uploadId) {
        find(h, uploadId).ifPresent(u -> addStored(h, u.ownerId(), -h.createQuery(
                "SELECT COALESCE(SUM(size), 0) FROM segments WHERE upload_id = :u").bind("u", uploadId).mapTo(Long.class).one()));
    }

    // ---- jobs ----

    @Override
    public Optional<Job> claimJob(String owner, long now, long leaseUntil) {
        return write(h -> {
            Optional<Job> job = h.createQuery("""
                    SELECT upload_id, kind, attempts FROM jobs
                    WHERE (state = 'QUEUED' AND run_after <= :now) OR (state = 'RUNNING' AND lease_until <= :now)
                    ORDER BY run_after LIMIT 1""" + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))
                    .bind("now", now)
                    .map((rs, ctx) -> new Job(rs.getLong("upload_id"), rs.getString("kind"), rs.getInt("attempts") + 1)).findOne();
            job.ifPresent(j -> h.createUpdate("""
                    UPDATE jobs SET state = 'RUNNING', attempts = :a, lease_owner = :o, lease_until = :l WHERE upload_id = :u AND kind = :k""")
                    .bind("a", j.attempts()).bind("o", owner).bind("l", leaseUntil).bind("u", j.uploadId()).bind("k", j.kind()).execute());
            return job;
        });
    }

    @Override
    public void extendLease(Job job, String owner, long leaseUntil) {
        write(h -> h.createUpdate("UPDATE jobs SET lease_until = :l WHERE upload_id = :u AND kind = :k AND lease_owner = :o AND state = 'RUNNING'")
                .bind("l", leaseUntil).bind("u", job.uploadId()).bind("k", job.kind()).bind("o", owner).execute());
    }

    @Override
    public void completeJob(Job job) {
        write(h -> h.createUpdate("UPDATE jobs SET state = 'DONE', lease_owner = NULL, lease_until = NULL WHERE upload_id = :u AND kind = :k")
                .bind("u", job.uploadId()).bind("k", job.kind()).execute());
    }

    @Override
    public void retryJob(Job job, Long runAfter, String error) {
        write(h -> h.createUpdate("""
                UPDATE jobs SET state = :s, run_after = COALESCE(:r, run_after), lease_owner = NULL, lease_until = NULL, last_error = :e
                WHERE upload_id = :u AND kind = :k""")
                .bind("s", runAfter == null ? "FAILED" : "QUEUED").bind("r", runAfter).bind("e", error)
                .bind("u", job.uploadId()).bind("k", job.kind()).execute());
    }

    // ---- access ----

    private static final RowMapper<Token> TOKEN = (rs, ctx) -> new Token(rs.getString("token_id"), rs.getString("kind"),
            rs.getString("user_id"), rs.getString("app_key"), List.of(rs.getString("scopes").split(" ")), rs.getLong("created_at"),
            nLong(rs, "expires_at"), rs.getBoolean("revoked"));

    @Override
    public void createToken(String tokenHash, String kind, String userId, String appKey, List<String> scopes, long now, Long expiresAt) {
        write(h -> h.createUpdate("""
                INSERT INTO tokens (token_hash, token_id, kind, user_id, app_key, scopes, created_at, expires_at)
                VALUES (:h, :id, :k, :u, :a, :s, :c, :e)""")
                .bind("h", tokenHash).bind("id", tokenHash.substring(0, 12)).bind("k", kind).bind("u", userId == null ? "" : userId)
                .bind("a", appKey).bind("s", String.join(" ", scopes)).bind("c", now).bind("e", expiresAt).execute());
    }

    @Override
    public Optional<Token> findToken(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE token_hash = :h").bind("h", tokenHash).map(TOKEN).findOne());
    }

    @Override
    public List<Token> listTokens() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens ORDER BY created_at").map(TOKEN).list());
    }

    @Override
    public int revokeToken(String id) {
        return write(h -> h.createUpdate("UPDATE tokens SET revoked = TRUE WHERE token_id = :t").bind("t", id).execute()
                + h.createUpdate("UPDATE oauth1_tokens SET revoked = TRUE WHERE token = :t").bind("t", id).execute());
    }

    @Override
    public void createApp(App app, long now) {
        write(h -> h.createUpdate("INSERT INTO apps (consumer_key, consumer_secret, name, created_at) VALUES (:k, :s, :n, :c)")
                .bind("k", app.consumerKey()).bind("s", app.consumerSecret()).bind("n", app.name()).bind("c", now).execute());
    }

    @Override
    public Optional<App> findApp(String consumerKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps WHERE consumer_key = :k").bind("k", consumerKey)
                .map((rs, ctx) -> new App(rs.getString("consumer_key"), rs.getString("consumer_secret"), rs.getString("name"),
                        rs.getBoolean("revoked"))).findOne());
    }

    @Override
    public void createOAuth1Token(OAuth1Token t, long now) {
        write(h -> h.createUpdate("""
                INSERT INTO oauth1_tokens (token, token_secret, consumer_key, user_id, scopes, created_at) VALUES (:t, :s, :k, :u, :sc, :c)""")
                .bind("t", t.token()).bind("s", t.tokenSecret()).bind("k", t.consumerKey()).bind("u", t.userId())
                .bind("sc", String.join(" ", t.scopes())).bind("c", now).execute());
    }

    @Override
    public Optional<OAuth1Token> findOAuth1Token(String token) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth1_tokens WHERE token = :t").bind("t", token)
                .map((rs, ctx) -> new OAuth1Token(rs.getString("token"), rs.getString("token_secret"), rs.getString("consumer_key"),
                        rs.getString("user_id"), List.of(rs.getString("scopes").split(" ")), rs.getBoolean("revoked"))).findOne());
    }

    @Override
    public List<String> recentNonces(long since) {
        return jdbi.withHandle(h -> {
            List<String> out = new ArrayList<>(h.createQuery("SELECT consumer_key, nonce, ts FROM oauth_nonces WHERE ts >= :s").bind("s", since)
                    .map((rs, ctx) -> rs.getString(1) + "\n" + rs.getString(2) + "\n" + rs.getLong(3)).list());
            for (String batch : h.createQuery("SELECT nonces FROM oauth_nonce_batches WHERE max_ts >= :s").bind("s", since).mapTo(String.class).list())
                for (var row : NONCES.readTree(batch)) {
                    long ts = row.get(2).asLong();
                    if (ts >= since) out.add(row.get(0).asString() + "\n" + row.get(1).asString() + "\n" + ts);
                }
            return out;
        });
    }

    private static final tools.jackson.databind.json.JsonMapper NONCES = tools.jackson.databind.json.JsonMapper.builder().build();

    @Override
    public boolean recordNonce(String consumerKey, String nonce, long timestamp) {
        if (postgres)
            return write(h -> h.createUpdate("INSERT INTO oauth_nonces (consumer_key, nonce, ts) VALUES (:k, :n, :t) ON CONFLICT DO NOTHING")
                    .bind("k", consumerKey).bind("n", nonce).bind("t", timestamp).execute()) == 1;
        pendingNonces.add(new Object[]{consumerKey, nonce, timestamp});
        return true;
    }

    /** The nonces gathered since the last flush, as one row (a JSON array of [consumer, nonce, ts]). */
    private Write<Integer> nonceBatch() {
        List<Object[]> rows = new ArrayList<>();
        for (Object[] r; rows.size() < 50_000 && (r = pendingNonces.poll()) != null; ) rows.add(r);
        long maxTs = rows.stream().mapToLong(r -> (Long) r[2]).max().orElse(0);
        String json = NONCES.writeValueAsString(rows);
        return new Write<>(h -> h.createUpdate("""
                INSERT INTO oauth_nonce_batches (id, max_ts, nonces) SELECT COALESCE(MAX(id), 0) + 1, :m, :n FROM oauth_nonce_batches""")
                .bind("m", maxTs).bind("n", json).execute(), new CompletableFuture<>());
    }

    @Override
    public void purgeNonces(long olderThan) {
        write(h -> h.createUpdate("DELETE FROM oauth_nonces WHERE ts < :t").bind("t", olderThan).execute()
                + h.createUpdate("DELETE FROM oauth_nonce_batches WHERE max_ts < :t").bind("t", olderThan).execute());
    }

    @Override
    public java.util.OptionalInt leaseNode(String owner, long now, long until) {
        return write(h -> {
            Optional<Integer> free = h.createQuery("SELECT node_id FROM nodes WHERE lease_until < :now ORDER BY node_id LIMIT 1"
                    + (postgres ? " FOR UPDATE SKIP LOCKED" : "")).bind("now", now).mapTo(Integer.class).findOne();
            if (free.isPresent()) {
                h.createUpdate("UPDATE nodes SET owner = :o, lease_until = :u WHERE node_id = :n").bind("o", owner).bind("u", until)
                        .bind("n", free.get()).execute();
                return java.util.OptionalInt.of(free.get());
            }
            int next = h.createQuery("SELECT COALESCE(MAX(node_id) + 1, 0) FROM nodes").mapTo(Integer.class).one();
            if (next > 1023) return java.util.OptionalInt.empty();
            // two nodes may race for the same new id: the primary key refuses one, which then tries again
            h.createUpdate("INSERT INTO nodes (node_id, owner, lease_until) VALUES (:n, :o, :u)").bind("n", next).bind("o", owner)
                    .bind("u", until).execute();
            return java.util.OptionalInt.of(next);
        });
    }

    @Override
    public boolean renewNode(int nodeId, String owner, long until) {
        return write(h -> h.createUpdate("UPDATE nodes SET lease_until = :u WHERE node_id = :n AND owner = :o")
                .bind("u", until).bind("n", nodeId).bind("o", owner).execute()) == 1;
    }

    @Override
    public boolean healthy() {
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
