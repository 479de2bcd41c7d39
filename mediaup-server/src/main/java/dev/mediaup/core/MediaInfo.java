package dev.mediaup.core;

/**
 * What sniffing or processing learned about the media; every field optional. {@code blurhash}: a placeholder for the
 * picture (or a video's poster) while it loads, from processing.
 */
public record MediaInfo(Integer width, Integer height, String imageType, String videoType, Long durationMs, String blurhash) {
    public static final MediaInfo NONE = new MediaInfo(null, null, null, null, null, null);

    public MediaInfo(Integer width, Integer height, String imageType, String videoType, Long durationMs) {
        this(width, height, imageType, videoType, durationMs, null);
    }

    public MediaInfo withBlurhash(String hash) {
        return new MediaInfo(width, height, imageType, videoType, durationMs, hash);
    }
}
