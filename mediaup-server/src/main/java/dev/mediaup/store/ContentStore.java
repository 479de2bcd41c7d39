package dev.mediaup.store;

import dev.mediaup.core.MediaInfo;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Store once and malware scanning: what is known of media's bytes wherever they were uploaded — their digest and the
 * recipe they were processed by, which earlier media a repeat shares with, who refers to which blob, and clamd's
 * clean verdicts.
 */
public interface ContentStore {
    /** Records the SHA-256 of the media's whole bytes and the recipe its processing follows (what it would make). */
    void recordContent(long mediaId, String sha256, String recipe);

    /**
     * Media other than {@code mediaId} that succeeded from the same bytes under the same recipe — whoever owns it, or
     * only {@code ownerOrNull}'s media when that is given.
     */
    OptionalLong sameContent(long mediaId, String sha256, String recipe, String ownerOrNull);

    /**
     * Gives {@code mediaId} the variants of {@code source} — the same blobs, by key; nothing is copied — and (with
     * {@code original}) its original, and returns
     * what processing learned of the source (dimensions, duration, types), provided the source still succeeded: one
     * transaction, holding the source's row so that deleting it cannot free blobs this is about to refer to. Empty,
     * and nothing changed, when the source is gone or did not succeed. The owner's stored bytes count the variants.
     */
    Optional<Shared> share(long mediaId, long source, boolean original);

    /**
     * What a share gave: what processing learned of the source, and — when asked for its {@code original} and the
     * source kept one — whether {@code mediaId}'s original is now the source's, recorded in the same transaction: its
     * one blob ({@code originalKey}; an assembled original or a single segment) or its several (originalKey null; listed
     * apart from {@code mediaId}'s own segments, which keep saying how its client uploaded).
     */
    record Shared(MediaInfo info, boolean originalShared, String originalKey) {}

    /**
     * The keys under upload {@code uploadId}'s prefix that a row still refers to — whichever media the row belongs to
     * (variants are shared) — for the orphan sweep: an uploaded segment only while it is the original.
     */
    Set<String> referencedUnder(long uploadId);

    /** Whether the malware scanner running {@code engine} (its version and signatures) found these bytes clean. */
    boolean scannedClean(String sha256, String engine);

    /** Remembers a clean verdict for these bytes under {@code engine}. */
    void recordClean(String sha256, String engine, long now);
}
