package dev.mediaup.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * A file processing made from the upload (a resized image, an H.264 rendition, a poster, a WebVTT track): what
 * delivery serves under /media/{media_key}/{name}. Its blob lives under the upload's prefix ({@link BlobKeys}).
 */
public record Variant(long mediaId, String name, String contentType, long size, Integer width, Integer height, Integer bitRate,
                      String sha256, String blobKey) {
    /** The parts of an HLS rendition (its playlists and MPEG-TS segments) are named so; Media objects leave them out. */
    public static final String HLS_PREFIX = "hls.";

    /** A video's largest MP4 rendition among these variants (what its frames and posters are taken from), if any. */
    public static Optional<Variant> largestRendition(Collection<Variant> variants) {
        return variants.stream().filter(v -> v.contentType().equals("video/mp4") && v.width() != null)
                .max(Comparator.comparingInt(Variant::width));
    }
}
