package dev.mediaup.store.sql;

import dev.mediaup.core.Checked;
import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Refusal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Usage;
import dev.mediaup.store.UploadStore;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static dev.mediaup.store.sql.Rows.UPLOAD;
import static dev.mediaup.store.sql.Rows.addStored;

/** Uploads, segments and usage on SQL. Check-and-write methods lock the upload row first (PostgreSQL; SQLite has one writer). */
final class SqlUploads implements UploadStore {
    private final SqlDatabase db;
    private final SqlOutbox outbox;
    private final SqlUsage usage;

    SqlUploads(SqlDatabase db, SqlOutbox outbox) {
        this.db = db;
        this.outbox = outbox;
        this.usage = new SqlUsage(db);
    }

    @Override
    public Checked<Upload> create(Upload u, long now) {
        return db.write(h -> {
            if (u.grantId() != null && h.createUpdate("""
                    UPDATE upload_grants SET used = used + 1
                    WHERE id = :g AND used < uploads AND NOT revoked AND expires_at > :now
                      AND (credential_expires_at IS NULL OR credential_expires_at > :now)""")
                    .bind("g", u.grantId()).bind("now", now).execute() == 0) {
                // refused: used up, or revoked or expired since its bearer was let in (say which)
                int allowed = h.createQuery("SELECT uploads FROM upload_grants WHERE id = :g AND used >= uploads")
                        .bind("g", u.grantId()).mapTo(Integer.class).findOne().orElse(-1);
                return Checked.<Upload>refused(allowed < 0 ? new Refusal.GrantNotLive(u.grantId())
                        : new Refusal.GrantUsedUp(u.grantId(), allowed));
            }
            Rows.insert(db, h, u);
            return Checked.done(u);
        });
    }

    @Override
    public Checked<Upload> concatenate(long finalId, List<Long> partialIds, long now) {
        return db.write(h -> {
            if (Rows.locked(db, h, finalId).isEmpty()) return Checked.<Upload>refused(new Refusal.UnknownUpload(finalId));
            // every partial checked before anything moves: a refusal leaves all as it was
            List<List<Segment>> parts = new ArrayList<>();
            for (long pid : partialIds) {
                Optional<Upload> found = Rows.locked(db, h, pid);
                if (found.isEmpty()) return Checked.<Upload>refused(new Refusal.UnknownUpload(pid));
                Optional<Refusal> closed = found.get().appendRefusal(now);
                if (closed.isPresent()) return Checked.<Upload>refused(closed.get());
                List<Segment> segs = h.createQuery("SELECT * FROM segments WHERE upload_id = :u ORDER BY idx").bind("u", pid)
                        .map(Rows.SEGMENT).list();
                long held = segs.stream().mapToLong(Segment::size).sum();
                Long length = found.get().totalBytes();
                if (length == null || held != length)
                    return Checked.<Upload>refused(new Refusal.PartialIncomplete(pid, held, length == null ? -1 : length));
                parts.add(segs);
            }
            int next = 0;
            for (List<Segment> segs : parts) {
                for (Segment s : segs)
                    h.createUpdate("UPDATE segments SET upload_id = :f, idx = :n WHERE upload_id = :p AND idx = :i")
                            .bind("f", finalId).bind("n", next++).bind("p", s.uploadId()).bind("i", s.index()).execute();
            }
            for (int at = 0; at < partialIds.size(); at++)
                // spent: ended now (not at its session's end), so every dialect tells of it in the past tense
                h.createUpdate("""
                        UPDATE uploads SET state = 'EXPIRED', expires_at = :now, concatenated_into = :f, concatenated_position = :at
                        WHERE id = :p""").bind("f", finalId).bind("now", now).bind("at", at).bind("p", partialIds.get(at)).execute();
            return Checked.done(Rows.find(db, h, finalId).orElseThrow());
        });
    }

    @Override
    public Optional<Spent> concatenatedInto(long partialId) {
        return db.read(h -> h.createQuery("""
                        SELECT concatenated_into, COALESCE(concatenated_position, -1) FROM uploads
                        WHERE id = :p AND concatenated_into IS NOT NULL""")
                .bind("p", partialId).map((rs, ctx) -> new Spent(rs.getLong(1), rs.getInt(2))).findOne());
    }

    @Override
    public List<Upload> startedWith(String grantId) {
        return db.read(h -> h.createQuery("SELECT * FROM uploads WHERE grant_id = :g ORDER BY id").bind("g", grantId).map(UPLOAD).list());
    }

    @Override
    public Optional<Upload> find(long id) {
        return db.read(h -> Rows.find(db, h, id));
    }

    @Override
    public Checked<SegmentPut> putSegment(Segment s, long now, long maxTotal, Quota quota) {
        return put(s, null, now, maxTotal, quota);
    }

    @Override
    public Checked<SegmentPut> putSegmentAt(Segment s, long offset, long now, long maxTotal, Quota quota) {
        return put(s, offset, now, maxTotal, quota);
    }

    private Checked<SegmentPut> put(Segment s, Long offset, long now, long maxTotal, Quota quota) {
        return db.write(h -> {
            // every statement of an append on the writer's prepared statements (see Prepared: binding cost more than SQL)
            Optional<Upload> found = Rows.locked(db, h, s.uploadId());
            if (found.isEmpty()) return Checked.refused(new Refusal.UnknownUpload(s.uploadId()));
            Upload u = found.get();
            Optional<Refusal> closed = u.appendRefusal(now);
            if (closed.isPresent()) return Checked.refused(closed.get());
            // one statement for both: the segment this index already holds (a re-send), and the bytes of all the others
            Held held = Prepared.first(db, h, HELD, rs -> {
                String key = rs.getString(2);
                return new Held(rs.getLong(1), key == null ? Optional.empty()
                        : Optional.of(new Segment(s.uploadId(), s.index(), rs.getLong(3), null, key)));
            }, s.index(), s.index(), s.index(), s.uploadId()).orElseThrow();
            long others = held.others();
            Optional<Segment> previous = held.previous();
            if (offset != null && (previous.isPresent() || others != offset))
                return Checked.refused(new Refusal.OffsetMismatch(s.uploadId(), offset, others + previous.map(Segment::size).orElse(0L)));
            if (others + s.size() > maxTotal) return Checked.refused(new Refusal.OverTotal(s.index(), s.size(), others + s.size(),
                    maxTotal));
            long delta = s.size() - previous.map(Segment::size).orElse(0L);
            Optional<Refusal> overQuota = usage.charge(h, u.ownerId(), now, s.size(), delta, quota);
            if (overQuota.isPresent()) return Checked.refused(overQuota.get());
            Prepared.update(db, h, UPSERT_SEGMENT, s.uploadId(), s.index(), s.size(), s.sha256(), s.blobKey(), now);
            return Checked.done(new SegmentPut(u, previous.map(Segment::blobKey)));
        });
    }

    private static final String HELD = """
            SELECT COALESCE(SUM(CASE WHEN idx <> ? THEN size END), 0),
                MAX(CASE WHEN idx = ? THEN blob_key END), MAX(CASE WHEN idx = ? THEN size END)
            FROM segments WHERE upload_id = ?""";
    private static final String UPSERT_SEGMENT = """
            INSERT INTO segments (upload_id, idx, size, sha256, blob_key, received_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (upload_id, idx) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256,
                blob_key = excluded.blob_key, received_at = excluded.received_at""";
    /** What an upload's segments hold besides the one being put: the others' bytes, and the one its index had. */
    private record Held(long others, Optional<Segment> previous) {}

    @Override
    public Usage usage(String userId, long epochDay) {
        return usage.of(userId, epochDay);
    }

    @Override
    public List<Usage> usages(long epochDay, int limit) {
        return usage.top(epochDay, limit);
    }

    @Override
    public List<Segment> segments(long uploadId) {
        return db.read(h -> h.createQuery("SELECT * FROM segments WHERE upload_id = :u ORDER BY idx").bind("u", uploadId)
                .map(Rows.SEGMENT).list());
    }

    @Override
    public List<Upload> find(Collection<Long> ids) {
        if (ids.isEmpty()) return List.of();
        return db.read(h -> h.createQuery("SELECT * FROM uploads WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids))
                .map(UPLOAD).list());
    }

    @Override
    public List<Upload> ownedBy(String ownerId, Long beforeId, int limit) {
        return db.read(h -> h.createQuery("""
                SELECT * FROM uploads WHERE owner_id = :o AND id < :b AND state IN ('PENDING', 'IN_PROGRESS', 'SUCCEEDED')
                ORDER BY id DESC LIMIT :l""")
                .bind("o", ownerId).bind("b", beforeId == null ? Long.MAX_VALUE : beforeId).bind("l", limit).map(UPLOAD).list());
    }

    @Override
    public Optional<Upload> setMetadata(long id, String metadataJson) {
        return db.write(h -> {
            h.createUpdate("UPDATE uploads SET metadata = :m WHERE id = :id").bind("m", metadataJson).bind("id", id).execute();
            return Rows.find(db, h, id);
        });
    }

    @Override
    public Unlinked delete(long id) {
        return db.write(h -> {
            if (Rows.locked(db, h, id).isEmpty()) return new Unlinked(List.of(), false); // held: a share of it waits, or finds it gone
            List<String> keys = h.createQuery("""
                    SELECT blob_key FROM variants WHERE media_id = :u UNION SELECT blob_key FROM segments WHERE upload_id = :u
                    UNION SELECT original_key FROM uploads WHERE id = :u AND original_key IS NOT NULL
                    UNION SELECT blob_key FROM original_parts WHERE media_id = :u""").bind("u", id)
                    .mapTo(String.class).list();
            releaseStored(h, id);
            Rows.find(db, h, id).ifPresent(u -> addStored(db, h, u.ownerId(), -h.createQuery(
                    "SELECT COALESCE(SUM(size), 0) FROM variants WHERE media_id = :u").bind("u", id).mapTo(Long.class).one()));
            h.createUpdate("DELETE FROM segments WHERE upload_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM original_parts WHERE media_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM variants WHERE media_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM webhook_outbox WHERE media_id = :u AND delivered_at IS NOT NULL").bind("u", id).execute();
            h.createUpdate("DELETE FROM jobs WHERE upload_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM subtitles WHERE video_id = :u OR subtitles_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM media_metrics WHERE media_id = :u").bind("u", id).execute();
            h.createUpdate("DELETE FROM uploads WHERE id = :u").bind("u", id).execute();
            // what other media still use: variants and kept originals are shared by key (see SqlContent.share)
            List<String> freed = keys.stream().filter(k -> !SqlContent.referenced(h, k)).toList();
            return new Unlinked(freed, SqlContent.anyUnder(h, id));
        });
    }

    @Override
    public void purge(long id) {
        db.write(h -> {
            dropSegments(h, id);
            Rows.find(db, h, id).ifPresent(u -> addStored(db, h, u.ownerId(), -h.createQuery(
                    "SELECT COALESCE(SUM(size), 0) FROM variants WHERE media_id = :u").bind("u", id).mapTo(Long.class).one()));
            h.createUpdate("DELETE FROM variants WHERE media_id = :u").bind("u", id).execute();
            return null;
        });
    }

    @Override
    public Checked<Upload> finalizeUpload(Finalization f) {
        long id = f.id(), size = f.size(), now = f.now(), expiresAt = f.expiresAt();
        List<Segment> manifest = f.manifest();
        Original original = f.original();
        State state = f.state();
        MediaInfo info = f.info();
        Failure failure = f.failure();
        String jobKind = f.jobKind();
        return db.write(h -> {
            Rows.locked(db, h, id); // appends to this upload on other nodes wait until the manifest is settled
            if (!sameSegments(h, id, manifest)) return Checked.refused(new Refusal.SegmentsChanged(id));
            int n = h.createUpdate("""
                    UPDATE uploads SET state = :state, size = :size, total_bytes = COALESCE(total_bytes, :size), expires_at = :expires,
                        width = :w, height = :h, image_type = :it, video_type = :vt, duration_ms = :d, blurhash = :bh,
                        error_code = :ec, error_name = :en, error_message = :em, progress = :progress, original_key = :ok
                    WHERE id = :id AND state = 'UPLOADING'""")
                    .bind("ok", original.assembledKey()).bind("state", state.name()).bind("size", size).bind("expires", expiresAt)
                    .bind("id", id)
                    .bind("progress", state.terminal() ? 100 : 0)
                    .bind("w", info.width()).bind("h", info.height()).bind("it", info.imageType()).bind("vt", info.videoType())
                    .bind("d", info.durationMs()).bind("bh", info.blurhash())
                    .bind("ec", failure == null ? null : failure.code()).bind("en", failure == null ? null : failure.name())
                    .bind("em", failure == null ? null : failure.message()).execute();
            if (n == 0) return Checked.refused(new Refusal.FinalizedConcurrently(id));
            if (original.dropped()) dropSegments(h, id);
            // another media's original listed by an attempt whose FINALIZE was refused: not this one's (any more)
            else if (!original.shared()) h.createUpdate("DELETE FROM original_parts WHERE media_id = :u").bind("u", id).execute();
            outbox.queue(h, id, state, failure, now);
            if (jobKind != null)
                h.createUpdate("INSERT INTO jobs (upload_id, kind, state, attempts, run_after) VALUES (:u, :k, 'QUEUED', 0, :now)")
                        .bind("u", id).bind("k", jobKind).bind("now", now).execute();
            return Checked.done(Rows.find(db, h, id).orElseThrow());
        });
    }

    @Override
    public boolean setOriginal(long id, List<Segment> manifest, String key) {
        return db.write(h -> {
            Rows.locked(db, h, id);
            if (!sameSegments(h, id, manifest)) return false;
            h.createUpdate("UPDATE uploads SET original_key = :k WHERE id = :id").bind("k", key).bind("id", id).execute();
            return true;
        });
    }

    @Override
    public List<Segment> stored(long uploadId) {
        return db.read(h -> SqlContent.originalOf(h, uploadId));
    }

    private static boolean sameSegments(Handle h, long id, List<Segment> manifest) {
        List<String> current = h.createQuery("SELECT blob_key FROM segments WHERE upload_id = :u ORDER BY idx").bind("u", id)
                .mapTo(String.class).list();
        return current.equals(manifest.stream().map(Segment::blobKey).toList());
    }

    @Override
    public void updateProcessing(long id, State state, int progress, int checkAfterSecs, MediaInfo info, Failure failure) {
        db.write(h -> {
            int n = h.createUpdate("""
                    UPDATE uploads SET state = :state, progress = :progress, check_after_secs = :ca,
                        width = COALESCE(:w, width), height = COALESCE(:h, height), image_type = COALESCE(:it, image_type),
                        video_type = COALESCE(:vt, video_type), duration_ms = COALESCE(:d, duration_ms),
                        blurhash = COALESCE(:bh, blurhash),
                        error_code = :ec, error_name = :en, error_message = :em
                    WHERE id = :id""")
                    .bind("state", state.name()).bind("progress", progress).bind("ca", checkAfterSecs).bind("id", id)
                    .bind("w", info.width()).bind("h", info.height()).bind("it", info.imageType()).bind("vt", info.videoType())
                    .bind("d", info.durationMs()).bind("bh", info.blurhash())
                    .bind("ec", failure == null ? null : failure.code()).bind("en", failure == null ? null : failure.name())
                    .bind("em", failure == null ? null : failure.message()).execute();
            if (n > 0) outbox.queue(h, id, state, failure, System.currentTimeMillis() / 1000);
            return n;
        });
    }

    @Override
    public Checked<Upload> declareLength(long id, long length, long now) {
        return db.write(h -> {
            Optional<Upload> found = Rows.locked(db, h, id);
            if (found.isEmpty()) return Checked.refused(new Refusal.UnknownUpload(id));
            Upload u = found.get();
            long held = h.createQuery("SELECT COALESCE(SUM(size), 0) FROM segments WHERE upload_id = :id").bind("id", id).mapTo(Long.class)
                    .one();
            Optional<Refusal> refused = u.appendRefusal(now).or(() -> (u.totalBytes() != null ? u.totalBytes() != length : held > length)
                    ? Optional.of(new Refusal.LengthConflict(id, length, u.totalBytes(), held)) : Optional.empty());
            if (refused.isPresent()) return Checked.refused(refused.get());
            h.createUpdate("UPDATE uploads SET total_bytes = :n WHERE id = :id AND total_bytes IS NULL").bind("n", length).bind("id", id)
                    .execute();
            return Checked.done(Rows.locked(db, h, id).orElseThrow());
        });
    }

    @Override
    public void recordDigests(List<Segment> digested) {
        if (digested.isEmpty()) return;
        db.write(h -> {
            var batch = h.prepareBatch(
                    "UPDATE segments SET sha256 = :d WHERE upload_id = :u AND idx = :i AND blob_key = :k AND sha256 IS NULL");
            for (Segment s : digested)
                batch.bind("d", s.sha256()).bind("u", s.uploadId()).bind("i", s.index()).bind("k", s.blobKey()).add();
            return batch.execute();
        });
    }

    @Override
    public boolean abandon(long id, long now) {
        return db.write(h -> h.createUpdate(
                        "UPDATE uploads SET state = 'EXPIRED', expires_at = :now WHERE id = :id AND state = 'UPLOADING'")
                .bind("id", id).bind("now", now).execute()) == 1;
    }

    @Override
    public int expireSessions(long now) {
        return db.write(h -> h.createUpdate("UPDATE uploads SET state = 'EXPIRED' WHERE state = 'UPLOADING' AND expires_at <= :now")
                .bind("now", now).execute());
    }

    @Override
    public List<Long> expiredWithSegments(int limit) {
        return db.read(h -> h.createQuery("""
                SELECT u.id FROM uploads u WHERE u.state = 'EXPIRED' AND (EXISTS (SELECT 1 FROM segments s WHERE s.upload_id = u.id)
                    OR EXISTS (SELECT 1 FROM variants v WHERE v.media_id = u.id)) LIMIT :limit""")
                .bind("limit", limit).mapTo(Long.class).list());
    }

    @Override
    public List<Long> mediaCreatedBefore(long createdBefore, int limit) {
        return db.read(h -> h.createQuery("""
                SELECT id FROM uploads WHERE state IN ('SUCCEEDED', 'FAILED', 'PENDING', 'IN_PROGRESS') AND created_at < :t
                ORDER BY id LIMIT :l""")
                .bind("t", createdBefore).bind("l", limit).mapTo(Long.class).list());
    }

    @Override
    public void deleteSegments(long uploadId) {
        db.write(h -> {
            dropSegments(h, uploadId);
            return null;
        });
    }

    @Override
    public List<String> unreferenced(List<String> keys) {
        return keys.isEmpty() ? keys : db.read(h -> keys.stream().filter(k -> !SqlContent.referenced(h, k)).toList());
    }

    /** Forgets an upload's bytes: the owner gets the stored bytes back, the rows go (the blobs are the caller's). */
    private void dropSegments(Handle h, long uploadId) {
        releaseStored(h, uploadId);
        h.createUpdate("UPDATE uploads SET original_key = NULL WHERE id = :u").bind("u", uploadId).execute();
        h.createUpdate("DELETE FROM original_parts WHERE media_id = :u").bind("u", uploadId).execute();
        h.createUpdate("DELETE FROM segments WHERE upload_id = :u").bind("u", uploadId).execute();
    }

    /** Gives the owner back the stored bytes of an upload's segments (before they are deleted). */
    private void releaseStored(Handle h, long uploadId) {
        Rows.find(db, h, uploadId).ifPresent(u -> addStored(db, h, u.ownerId(), -h.createQuery(
                "SELECT COALESCE(SUM(size), 0) FROM segments WHERE upload_id = :u").bind("u", uploadId).mapTo(Long.class).one()));
    }
}
