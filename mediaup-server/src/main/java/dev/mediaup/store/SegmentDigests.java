package dev.mediaup.store;

import dev.mediaup.core.Segment;

import java.util.List;

/**
 * Segments' SHA-256s worked out after they were recorded. An append hashes its bytes only when its client sent a
 * checksum to verify (or the store hashes them anyway): the digests a segment listing shows are otherwise computed
 * from the stored bytes — when processing reads them, or when a listing asks first — and kept.
 */
public interface SegmentDigests {

    /**
     * Records each segment's {@link Segment#sha256}, worked out from its blob, provided its index still holds that blob
     * and has no digest yet: a segment re-sent meanwhile keeps the digest of its own bytes. One transaction.
     */
    void recordDigests(List<Segment> digested);
}
