package dev.mediaup.media;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.Upload;

import java.io.IOException;

/** What a picture's owner changes after processing that processing makes again: its crops, around a new focal point. */
public interface Crops {
    /** Makes the picture's cropped size again around {@code focus}; nothing for media that has none (video, GIF). */
    void recrop(Upload u, FocalPoint focus) throws IOException;
}
