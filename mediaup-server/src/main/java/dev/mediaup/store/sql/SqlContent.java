package dev.mediaup.store.sql;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.store.ContentStore;
import org.jdbi.v3.core.Handle;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Store once, on SQL: media with the same bytes and recipe share variants by blob key. Who refers to a blob is always
 * asked of the rows themselves (by key, indexed) — no reference counter that a crash could leave wrong — and the two
 * writes that race, a share and the deletion of its source, both hold the source's row first.
 */
final class SqlContent {
    private final SqlDatabase db;

    SqlContent(SqlDatabase db) {
        this.db = db;
    }

    void record(long mediaId, String sha256, String recipe) {
        db.write(h -> h.createUpdate("UPDATE uploads SET content_sha256 = :d, recipe = :r WHERE id = :id")
                .bind("d", sha256).bind("r", recipe).bind("id", mediaId).execute());
    }

    OptionalLong same(long mediaId, String sha256, String recipe, String ownerOrNull) {
        String owner = ownerOrNull == null ? "" : " AND owner_id = :o";
        return db.read(h -> {
            var q = h.createQuery("SELECT id FROM uploads WHERE content_sha256 = :d AND recipe = :r AND state = 'SUCCEEDED'"
                    + " AND id <> :id" + owner + " ORDER BY id LIMIT 1").bind("d", sha256).bind("r", recipe).bind("id", mediaId);
            if (ownerOrNull != null) q.bind("o", ownerOrNull);
            return q.mapTo(Long.class).findOne().map(OptionalLong::of).orElse(OptionalLong.empty());
        });
    }

    Optional<ContentStore.Shared> share(long mediaId, long source, boolean original) {
        return db.write(h -> {
            Optional<Upload> from = Rows.locked(db, h, source).filter(u -> u.state() == State.SUCCEEDED);
            Optional<Upload> to = Rows.find(db, h, mediaId);
            if (from.isEmpty() || to.isEmpty()) return Optional.<ContentStore.Shared>empty();
            long before = storedBy(h, mediaId);
            h.createUpdate("""
                    INSERT INTO variants (media_id, name, content_type, size, width, height, bit_rate, sha256, blob_key)
                    SELECT :m, name, content_type, size, width, height, bit_rate, sha256, blob_key FROM variants
                    WHERE media_id = :s AND name NOT LIKE 'x.%'
                    ON CONFLICT (media_id, name) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                        width = excluded.width, height = excluded.height, bit_rate = excluded.bit_rate, sha256 = excluded.sha256,
                        blob_key = excluded.blob_key""").bind("m", mediaId).bind("s", source).execute();
            Rows.addStored(db, h, to.get().ownerId(), storedBy(h, mediaId) - before);
            List<Segment> kept = original ? originalOf(h, source) : List.of();
            String key = kept.size() == 1 ? kept.getFirst().blobKey() : null;
            // recorded here, under the source's lock: deleting the source then sees this media refer to its blobs
            if (key != null)
                h.createUpdate("UPDATE uploads SET original_key = :k WHERE id = :m").bind("k", key).bind("m", mediaId).execute();
            if (kept.size() > 1) recordParts(h, mediaId, kept);
            return Optional.of(new ContentStore.Shared(from.get().info(), !kept.isEmpty(), key));
        });
    }

    /**
     * A blob with these bytes that a succeeded media other than {@code mediaId} has as a variant, its media's row held
     * until the transaction ends (so deleting it waits, then sees the new reference); empty when there is none.
     */
    Optional<String> sameBlob(Handle h, long mediaId, String sha256, long size) {
        var found = h.createQuery("""
                        SELECT v.media_id, v.blob_key FROM variants v JOIN uploads u ON u.id = v.media_id
                        WHERE v.sha256 = :s AND v.size = :z AND v.media_id <> :m AND u.state = 'SUCCEEDED' ORDER BY v.media_id LIMIT 1""")
                .bind("s", sha256).bind("z", size).bind("m", mediaId)
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)}).findOne();
        if (found.isEmpty()) return Optional.empty();
        long holder = (Long) found.get()[0];
        String key = (String) found.get()[1];
        boolean held = h.createQuery("SELECT id FROM uploads WHERE id = :id AND state = 'SUCCEEDED'" + db.forUpdate).bind("id", holder)
                .mapTo(Long.class).findOne().isPresent()
                && h.createQuery("SELECT 1 FROM variants WHERE media_id = :id AND blob_key = :k").bind("id", holder).bind("k", key)
                .mapTo(Integer.class).findOne().isPresent();
        return held ? Optional.of(key) : Optional.empty();
    }

    /**
     * The blobs holding media's original, in order: its assembled original, the parts it shares with other media, or
     * its segments; empty when none is kept.
     */
    static List<Segment> originalOf(Handle h, long id) {
        var row = h.createQuery("""
                        SELECT original_key, COALESCE(size, (SELECT SUM(size) FROM segments WHERE upload_id = :id), 0)
                        FROM uploads WHERE id = :id""").bind("id", id)
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getLong(2)}).findOne();
        if (row.isEmpty()) return List.of();
        if (row.get()[0] != null) return List.of(new Segment(id, 0, (Long) row.get()[1], null, (String) row.get()[0]));
        List<Segment> parts = h.createQuery("SELECT idx, size, blob_key FROM original_parts WHERE media_id = :id ORDER BY idx")
                .bind("id", id).map((rs, ctx) -> new Segment(id, rs.getInt(1), rs.getLong(2), null, rs.getString(3))).list();
        if (!parts.isEmpty()) return parts;
        return h.createQuery("SELECT idx, size, sha256, blob_key FROM segments WHERE upload_id = :id ORDER BY idx").bind("id", id)
                .map((rs, ctx) -> new Segment(id, rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4))).list();
    }

    /** Media's original is these blobs of another media's (replacing any list a crashed attempt left). */
    private static void recordParts(Handle h, long mediaId, List<Segment> parts) {
        h.createUpdate("DELETE FROM original_parts WHERE media_id = :m").bind("m", mediaId).execute();
        var batch = h.prepareBatch("INSERT INTO original_parts (media_id, idx, size, blob_key) VALUES (:m, :i, :z, :k)");
        for (int i = 0; i < parts.size(); i++)
            batch.bind("m", mediaId).bind("i", i).bind("z", parts.get(i).size()).bind("k", parts.get(i).blobKey()).add();
        batch.execute();
    }

    private static long storedBy(Handle h, long mediaId) {
        return h.createQuery("SELECT COALESCE(SUM(size), 0) FROM variants WHERE media_id = :m").bind("m", mediaId).mapTo(Long.class).one();
    }

    /**
     * Segments rows that refer to bytes still needed: an upload's while it takes them, then while they are its original
     * (not once it has an assembled or a shared one).
     */
    private static final String LIVE = "(u.state = 'UPLOADING' OR (u.original_key IS NULL"
            + " AND NOT EXISTS (SELECT 1 FROM original_parts p WHERE p.media_id = u.id)))";

    Set<String> referencedUnder(long uploadId) {
        String lo = BlobKeys.prefix(uploadId) + "/", hi = BlobKeys.prefix(uploadId) + "0"; // '0' follows '/'
        return db.read(h -> new HashSet<>(h.createQuery("""
                        SELECT blob_key FROM variants WHERE blob_key >= :lo AND blob_key < :hi
                        UNION SELECT s.blob_key FROM segments s JOIN uploads u ON u.id = s.upload_id
                            WHERE s.blob_key >= :lo AND s.blob_key < :hi AND %s
                        UNION SELECT original_key FROM uploads WHERE original_key >= :lo AND original_key < :hi
                        UNION SELECT blob_key FROM original_parts WHERE blob_key >= :lo AND blob_key < :hi""".formatted(LIVE))
                .bind("lo", lo).bind("hi", hi).mapTo(String.class).list()));
    }

    /**
     * Whether a row still refers to blob {@code key} as bytes a media needs: variants and (with --keep-originals)
     * originals are shared; a tus final upload's segments lie under its partials' prefixes.
     */
    static boolean referenced(Handle h, String key) {
        return h.createQuery("""
                        SELECT 1 FROM variants WHERE blob_key = :k
                        UNION ALL SELECT 1 FROM segments s JOIN uploads u ON u.id = s.upload_id WHERE s.blob_key = :k AND %s
                        UNION ALL SELECT 1 FROM uploads WHERE original_key = :k
                        UNION ALL SELECT 1 FROM original_parts WHERE blob_key = :k""".formatted(LIVE))
                .bind("k", key).mapTo(Integer.class).findFirst().isPresent();
    }

    /** Whether a row refers to any blob under upload {@code uploadId}'s prefix. */
    static boolean anyUnder(Handle h, long uploadId) {
        String lo = BlobKeys.prefix(uploadId) + "/", hi = BlobKeys.prefix(uploadId) + "0";
        return h.createQuery("""
                        SELECT 1 FROM variants WHERE blob_key >= :lo AND blob_key < :hi
                        UNION ALL SELECT 1 FROM segments WHERE blob_key >= :lo AND blob_key < :hi
                        UNION ALL SELECT 1 FROM uploads WHERE original_key >= :lo AND original_key < :hi
                        UNION ALL SELECT 1 FROM original_parts WHERE blob_key >= :lo AND blob_key < :hi""")
                .bind("lo", lo).bind("hi", hi).mapTo(Integer.class).findFirst().isPresent();
    }
}
