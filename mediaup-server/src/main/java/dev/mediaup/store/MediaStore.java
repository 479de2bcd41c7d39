package dev.mediaup.store;

import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Variant;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** What processing made from media (variants) and what owners attached to it (subtitle tracks). */
public interface MediaStore {

    /**
     * Records what processing made (replacing earlier variants of the same names); the owner's stored bytes count
     * them. A variant whose bytes (SHA-256 and size) a succeeded media's variant already has is recorded with that
     * blob instead — identical outputs are kept once — and its own blob is returned as {@code unneeded}, for the caller
     * to delete, as is the blob of a variant replaced that no row refers to any more. Not {@code recorded} (nothing
     * changed) when the media is gone (deleted while it was processed).
     */
    Put putVariants(long mediaId, List<Variant> variants);

    /** What {@link #putVariants} did. */
    record Put(boolean recorded, List<String> unneeded) {}

    /**
     * The variants of these media; without {@code parts}, leaves out what HLS renditions are made of and the pictures
     * made on request ({@code x.} names).
     */
    List<Variant> variants(Collection<Long> mediaIds, boolean parts);

    Optional<Variant> variant(long mediaId, String name);

    /** Attaches (or replaces) the track for its language. */
    void putSubtitles(SubtitleTrack track);

    boolean deleteSubtitles(long videoId, String languageCode);

    List<SubtitleTrack> subtitles(long videoId);

    // ---- store once: media with the same bytes share what processing made ----

    /** Records the SHA-256 of the media's whole bytes and the recipe its processing follows (what it would make). */
    void recordContent(long mediaId, String sha256, String recipe);

    /** Records media's placeholder (BlurHash) anew: its poster was made again from another frame. */
    void recordPlaceholder(long mediaId, String blurhash);

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
