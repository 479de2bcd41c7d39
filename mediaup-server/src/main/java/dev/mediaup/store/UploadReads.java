package dev.mediaup.store;


import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the uploads are, read: one upload or several, a user's media, a grant's uploads, an upload's segments and where
 * its bytes are. Every consumer that only looks (live status, webhooks, grants) receives this role alone.
 */
public interface UploadReads {

    Optional<Upload> find(long id);

    List<Upload> find(Collection<Long> ids);

    /** A user's media (finalized, not failed), newest first, with ids below {@code beforeId} (null: from the newest). */
    List<Upload> ownedBy(String ownerId, Long beforeId, int limit);

    /** The uploads started with a grant, oldest first. */
    List<Upload> startedWith(String grantId);

    /** The segment rows: what was appended, in index order. */
    List<Segment> segments(long uploadId);

    /**
     * Where the upload's bytes are, in order: its assembled blob as the one piece when there is one, else its
     * segments.
     */
    List<Segment> stored(long uploadId);

    /** Where a spent partial's segments went: the final upload, and the partial's place among its parts (0 first). */
    record Spent(long finalId, int position) {}

    /** The final upload a spent partial's segments went to, if they did. */
    Optional<Spent> concatenatedInto(long partialId);
}
