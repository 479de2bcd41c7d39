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
     * them. False, and nothing recorded, when the media is gone (deleted while it was processed).
     */
    boolean putVariants(long mediaId, List<Variant> variants);

    /** The variants of these media; without {@code parts}, leaves out what HLS renditions are made of. */
    List<Variant> variants(Collection<Long> mediaIds, boolean parts);

    Optional<Variant> variant(long mediaId, String name);

    /** Attaches (or replaces) the track for its language. */
    void putSubtitles(SubtitleTrack track);

    boolean deleteSubtitles(long videoId, String languageCode);

    List<SubtitleTrack> subtitles(long videoId);
}
