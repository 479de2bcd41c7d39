package dev.mediaup.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The media types of the spec's media_type enum (and mediaup's extensions), grouped by what mediaup does with them. */
public final class MediaTypes {
    private MediaTypes() {}

    /**
     * Photos in HEIF containers — a phone's HEIC, AVIF — beyond X's enum (mediaup extensions): decoded by ffmpeg into
     * pixels, then made into X's sizes like any other photo.
     */
    public static final Set<String> HEIF = Set.of("image/heic", "image/heif", "image/avif");
    public static final Set<String> IMAGE = union(Set.of("image/jpeg", "image/pjpeg", "image/png", "image/gif", "image/bmp", "image/webp",
            "image/tiff"), HEIF);
    public static final Set<String> VIDEO = Set.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime");
    public static final Set<String> SUBTITLES = Set.of("text/srt", "text/vtt");
    public static final Set<String> MODEL = Set.of("model/gltf-binary", "model/vnd.usdz+zip");
    /** In the spec's order (error messages list them so). */
    public static final List<String> ALL = List.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt",
            "text/vtt", "image/jpeg", "image/gif", "image/bmp", "image/png", "image/webp", "image/pjpeg", "image/tiff",
            "model/gltf-binary", "model/vnd.usdz+zip", "image/heic", "image/heif", "image/avif");

    static Set<String> union(Set<String> a, Set<String> b) {
        var s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
