package dev.mediaup.store;

import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Variant;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

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

    /** Records media's placeholder (BlurHash) anew: its poster was made again from another frame. */
    void recordPlaceholder(long mediaId, String blurhash);
}
