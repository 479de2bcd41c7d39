package dev.mediaup.media;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.Transform;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;

import java.io.IOException;

/** What processing makes of a media's pictures after it is done: crops around a new focal point, pictures on request. */
public interface Pictures {
    /** Makes the picture's cropped size again around {@code focus}; nothing for media that has none (video, GIF). */
    void recrop(Upload u, FocalPoint focus) throws IOException;

    /**
     * Makes {@code t} (its format chosen) of the picture {@code asked} from its pixels in {@code source} (the same
     * picture, perhaps smaller: sizes follow from {@code asked}'s), records it as variant {@code name} of {@code u}
     * and returns it; {@code cover} crops keep {@code focus} in view.
     */
    Variant derive(Upload u, Variant asked, Variant source, Transform t, String name, FocalPoint focus) throws IOException;

    /** Makes the video's poster again from its frame at {@code atMs} (and its placeholder with it). */
    void poster(Upload u, long atMs) throws IOException;

    /** Makes the frame at {@code t.atMs()} of the video {@code rendition} as {@code t} asks, recorded as variant {@code name}. */
    Variant frame(Upload u, Variant rendition, Transform t, String name) throws IOException;
}
