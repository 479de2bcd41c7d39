package dev.mediaup.store.sql;

import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Transform;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.store.ContentStore;
import dev.mediaup.store.MediaStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Variants and subtitle tracks on SQL. */
final class SqlMedia implements MediaStore, ContentStore {
    private final SqlDatabase db;
    private final SqlContent content;

    SqlMedia(SqlDatabase db) {
        this.db = db;
        this.content = new SqlContent(db);
    }

    @Override
    public void recordContent(long mediaId, String sha256, String recipe) {
        content.record(mediaId, sha256, recipe);
    }

    @Override
    public void recordPlaceholder(long mediaId, String blurhash) {
        db.write(h -> h.createUpdate("UPDATE uploads SET blurhash = :b WHERE id = :id").bind("b", blurhash).bind("id", mediaId).execute());
    }

    @Override
    public OptionalLong sameContent(long mediaId, String sha256, String recipe, String ownerOrNull) {
        return content.same(mediaId, sha256, recipe, ownerOrNull);
    }

    @Override
    public Optional<Shared> share(long mediaId, long source, boolean original) {
        return content.share(mediaId, source, original);
    }

    @Override
    public Set<String> referencedUnder(long uploadId) {
        return content.referencedUnder(uploadId);
    }

    @Override
    public boolean scannedClean(String sha256, String engine) {
        return db.read(h -> h.createQuery("SELECT 1 FROM clean_content WHERE sha256 = :d AND engine = :e").bind("d", sha256)
                .bind("e", engine).mapTo(Integer.class).findOne().isPresent());
    }

    @Override
    public void recordClean(String sha256, String engine, long now) {
        db.write(h -> h.createUpdate("""
                INSERT INTO clean_content (sha256, engine, scanned_at) VALUES (:d, :e, :t) ON CONFLICT (sha256, engine) DO NOTHING""")
                .bind("d", sha256).bind("e", engine).bind("t", now).execute());
    }

    @Override
    public Put putVariants(long mediaId, List<Variant> variants) {
        return db.write(h -> {
            Optional<Upload> u = Rows.find(db, h, mediaId);
            if (u.isEmpty()) return new Put(false, List.of());
            long delta = 0;
            List<String> unneeded = new ArrayList<>();
            for (Variant made : variants) {
                Variant v = made;
                Optional<String> same = content.sameBlob(h, mediaId, made.sha256(), made.size());
                if (same.isPresent() && !same.get().equals(made.blobKey())) {
                    unneeded.add(made.blobKey());
                    v = new Variant(made.mediaId(), made.name(), made.contentType(), made.size(), made.width(), made.height(),
                            made.bitRate(), made.sha256(), same.get());
                }
                var before = h.createQuery("SELECT size, blob_key FROM variants WHERE media_id = :m AND name = :n")
                        .bind("m", mediaId).bind("n", v.name()).map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).findOne();
                delta += v.size() - before.map(Map.Entry::getKey).orElse(0L);
                h.createUpdate("""
                        INSERT INTO variants (media_id, name, content_type, size, width, height, bit_rate, sha256, blob_key)
                        VALUES (:m, :n, :ct, :size, :w, :h, :br, :sha, :key)
                        ON CONFLICT (media_id, name) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                            width = excluded.width, height = excluded.height, bit_rate = excluded.bit_rate, sha256 = excluded.sha256,
                            blob_key = excluded.blob_key""")
                        .bind("m", mediaId).bind("n", v.name()).bind("ct", v.contentType()).bind("size", v.size()).bind("w", v.width())
                        .bind("h", v.height()).bind("br", v.bitRate()).bind("sha", v.sha256()).bind("key", v.blobKey()).execute();
                // the blob of the variant replaced, when nothing else refers to it (a shared one stays the other media's)
                String old = before.map(Map.Entry::getValue).orElse(null);
                if (old != null && !old.equals(v.blobKey()) && !SqlContent.referenced(h, old)) unneeded.add(old);
            }
            Rows.addStored(db, h, u.get().ownerId(), delta);
            return new Put(true, List.copyOf(unneeded));
        });
    }

    @Override
    public List<Variant> variants(Collection<Long> mediaIds, boolean parts) {
        if (mediaIds.isEmpty()) return List.of();
        return db.read(h -> h.createQuery("SELECT * FROM variants WHERE media_id IN (<ids>)"
                        + (parts ? "" : " AND name NOT LIKE '" + Variant.HLS_PREFIX + "%'"
                                + " AND name NOT LIKE '" + Transform.DERIVED_PREFIX + "%'")
                        + " ORDER BY media_id, name")
                .bindList("ids", List.copyOf(mediaIds)).map(Rows.VARIANT).list());
    }

    @Override
    public Optional<Variant> variant(long mediaId, String name) {
        return db.read(h -> h.createQuery("SELECT * FROM variants WHERE media_id = :id AND name = :n").bind("id", mediaId)
                .bind("n", name).map(Rows.VARIANT).findOne());
    }

    @Override
    public void putSubtitles(SubtitleTrack t) {
        db.write(h -> h.createUpdate("""
                INSERT INTO subtitles (video_id, language_code, subtitles_id, display_name) VALUES (:v, :l, :s, :d)
                ON CONFLICT (video_id, language_code) DO UPDATE SET subtitles_id = excluded.subtitles_id,
                    display_name = excluded.display_name""")
                .bind("v", t.videoId()).bind("l", t.languageCode()).bind("s", t.subtitlesId()).bind("d", t.displayName()).execute());
    }

    @Override
    public boolean deleteSubtitles(long videoId, String languageCode) {
        return db.write(h -> h.createUpdate("DELETE FROM subtitles WHERE video_id = :v AND language_code = :l")
                .bind("v", videoId).bind("l", languageCode).execute()) > 0;
    }

    @Override
    public List<SubtitleTrack> subtitles(long videoId) {
        return db.read(h -> h.createQuery("SELECT * FROM subtitles WHERE video_id = :v ORDER BY language_code").bind("v",
                videoId)
                .map((rs, ctx) -> new SubtitleTrack(rs.getLong("video_id"), rs.getString("language_code"), rs.getLong("subtitles_id"),
                        rs.getString("display_name"))).list());
    }
}
