package dev.mediaup.store;

import java.util.List;

/** What ends: sessions that expired, media past its retention, media its owner deletes. */
public interface UploadRetention {

    /**
     * Forgets an upload entirely (rows, variants, tracks, metrics, usage) and says which blobs that freed; the caller
     * deletes them ({@link BlobStore#release}). Variants are shared between media with the same bytes, so a key is
     * freed only when no row refers to it any more.
     *
     * @return {@code freed}: the keys of this media's rows nothing refers to now; {@code prefixInUse}: whether a row
     *         (another media's) still refers to a blob under this upload's prefix, which then must not go as a whole
     */
    Unlinked delete(long id);

    /** What deleting media freed: see {@link #delete}. */
    record Unlinked(List<String> freed, boolean prefixInUse) {}

    /** Marks unfinalized uploads whose session ended as EXPIRED; returns how many. */
    int expireSessions(long now);

    /**
     * Expired uploads that still have segment or variant rows (a FINALIZE cut short after processing), i.e. bytes to
     * delete: their blobs under their own prefix first, then {@link #purge}.
     */
    List<Long> expiredWithSegments(int limit);

    /** Forgets an expired upload's segments and variants (rows only: their blobs are deleted before). */
    void purge(long id);

    /** Finalized media created before {@code createdBefore} (retention), oldest first. */
    List<Long> mediaCreatedBefore(long createdBefore, int limit);
}
