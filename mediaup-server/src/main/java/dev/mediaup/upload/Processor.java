package dev.mediaup.upload;

import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What FINALIZE hands media to (implemented in {@code processing}): families that are not
 * {@link dev.mediaup.core.Family#processedAsync()} are processed while FINALIZE waits; the rest are queued as jobs.
 */
public interface Processor {

    /**
     * What processing learned or why it refused the media, and whether what it made can stand in for the uploaded
     * bytes (resized images, renditions: yes; subtitles and 3D models, served as uploaded: no). Whether the original
     * is then dropped is decided in one place, {@link Outcomes}. {@code sharedOriginal}: a repeat's kept original is the
     * earlier media's, recorded as this media's already (store once, with --keep-originals); null: it is not.
     */
    record Outcome(MediaInfo info, Failure failure, boolean replacesOriginal, SharedOriginal sharedOriginal) {
        public Outcome(MediaInfo info, Failure failure, boolean replacesOriginal) {
            this(info, failure, replacesOriginal, null);
        }
    }

    /** Another media's original that is a repeat's too: its one blob ({@code key}), or its blobs listed (key null). */
    record SharedOriginal(String key) {}

    /** {@code mediaType}: what the bytes really are (the sniffed type), which may differ from the declared one. */
    Outcome inline(Upload u, List<Segment> segs, String mediaType) throws IOException;

    /**
     * Media of this upload's owner that succeeded from the bytes the upload's Repr-Digest names, under the recipe this
     * upload would be processed by — what it may be finalized as without sending them. Empty without a declared digest.
     */
    OptionalLong held(Upload u);

    /** The upload gets the variants media {@code source} has (shared, not copied); empty when that media went away. */
    Optional<Outcome> share(Upload u, long source);
}
