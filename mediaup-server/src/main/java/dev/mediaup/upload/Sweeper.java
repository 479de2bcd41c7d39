package dev.mediaup.upload;

import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.Failpoint;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.ContentStore;
import dev.mediaup.store.UploadRetention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Housekeeping: expires idle sessions and deletes their bytes, retires media past the retention period (when one is
 * set), and, with {@code orphans}, removes blobs nothing refers to (a crash between a blob's fsync and its row's
 * commit leaves one) once they are an hour old, so an append in flight is never touched. Safe on any node at any
 * time, and to crash halfway: every step is repeated by the next sweep.
 */
public final class Sweeper {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    /** What a sweep did, for logs and `bin/mediaup gc`. */
    public record Swept(int expiredSessions, int purgedUploads, int retiredMedia, int orphanBlobs) {
        public boolean any() {
            return expiredSessions + purgedUploads + retiredMedia + orphanBlobs > 0;
        }
    }

    private final UploadRetention ending;
    private final ContentStore content;
    private final BlobStore blobs;
    private final LongSupplier clock;
    private final Duration retention;

    public Sweeper(UploadRetention ending, ContentStore content, BlobStore blobs,
            LongSupplier epochSeconds, Duration retention) {
        this.ending = ending;
        this.content = content;
        this.blobs = blobs;
        this.clock = epochSeconds;
        this.retention = retention;
    }

    /** Orphans younger than this are left alone: an append in flight has a blob and no row yet for a moment. */
    public static final Duration ORPHAN_MIN_AGE = Duration.ofHours(1);

    /** One sweep; with {@code orphans}, blobs nothing refers to that are older than {@link #ORPHAN_MIN_AGE} go too. */
    public Swept sweep(boolean orphans) {
        return sweep(orphans ? ORPHAN_MIN_AGE : null);
    }

    /**
     * One sweep, removing orphans older than {@code orphansOlderThan} (none when null). Below an hour only while no
     * server writes to the store: a younger orphan may be an append whose row is being committed.
     */
    public Swept sweep(Duration orphansOlderThan) {
        long now = clock.getAsLong();
        int expired = ending.expireSessions(now), purged = 0, retired = 0, orphaned = 0;
        if (expired > 0) Failpoint.SWEEP_AFTER_EXPIRE.hit();
        for (long id : ending.expiredWithSegments(1000)) {
            try {
                blobs.deleteAll(BlobKeys.prefix(id)); // never finalized: nothing under its prefix is shared
                Failpoint.SWEEP_AFTER_PURGE_BLOBS.hit();
                ending.purge(id);
                purged++;
            } catch (IOException e) {
                log.warn("could not delete bytes of expired upload {}: {}", id, e.toString());
            }
        }
        if (retention.isPositive()) {
            for (long id : ending.mediaCreatedBefore(now - retention.toSeconds(), 1000)) {
                var unlinked = ending.delete(id);
                try {
                    blobs.release(BlobKeys.prefix(id), unlinked.freed(), unlinked.prefixInUse());
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", BlobKeys.prefix(id), e.toString());
                }
                retired++;
            }
        }
        if (orphansOlderThan != null) orphaned = removeOrphans(now, orphansOlderThan.toSeconds());
        return new Swept(expired, purged, retired, orphaned);
    }

    private int removeOrphans(long now, long minAgeSecs) {
        try {
            blobs.removeAbandoned(now - 86_400); // an assembly takes minutes, never a day
        } catch (IOException e) {
            log.warn("could not remove abandoned writes: {}", e.toString());
        }
        int orphaned = 0;
        try {
            Map<Long, Set<String>> referenced = new HashMap<>();
            for (var e : blobs.list(BlobKeys.ROOT)) {
                if (e.modifiedAt() > now - minAgeSecs) continue;
                var owner = BlobKeys.uploadIdOf(e.key());
                if (owner.isEmpty()) continue;
                // by key, whichever media the row is of: variants are shared, a tus final upload's segments lie under
                // its partials' prefixes; once an original is assembled, its segment blobs are no longer referenced
                Set<String> keys = referenced.computeIfAbsent(owner.getAsLong(), content::referencedUnder);
                if (!keys.contains(e.key())) {
                    try {
                        blobs.delete(e.key());
                        Failpoint.SWEEP_AFTER_ORPHAN_DELETE.hit();
                        orphaned++;
                    } catch (IOException ex) {
                        log.warn("could not delete blob {}: {}", e.key(), ex.toString());
                    }
                }
            }
        } catch (IOException e) {
            log.warn("orphan sweep failed: {}", e.toString());
        }
        return orphaned;
    }
}
