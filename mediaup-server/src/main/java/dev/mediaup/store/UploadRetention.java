package dev.mediaup.store;

import java.util.List;

/** What ends: sessions that expired, media past its retention, media its owner deletes. */
public interface UploadRetention {

    /** Forgets an upload entirely (rows, variants, tracks, metrics, usage); its blobs must be deleted by the caller. */
    void delete(long id);

    /** Marks unfinalized uploads whose session ended as EXPIRED; returns how many. */
    int expireSessions(long now);

    /** Expired uploads that still have segment rows, i.e. bytes to delete. */
    List<Long> expiredWithSegments(int limit);

    /** Finalized media created before {@code createdBefore} (retention), oldest first. */
    List<Long> mediaCreatedBefore(long createdBefore, int limit);
}
