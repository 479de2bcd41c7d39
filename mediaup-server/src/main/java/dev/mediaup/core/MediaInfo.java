package dev.mediaup.core;

/** What sniffing or processing learned about the media; every field optional. */
public record MediaInfo(Integer width, Integer height, String imageType, String videoType, Long durationMs) {
    public static final MediaInfo NONE = new MediaInfo(null, null, null, null, null);
}
