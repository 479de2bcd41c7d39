package dev.mediaup.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The media types of the spec's media_type enum, grouped by what mediaup does with them. */
public final class MediaTypes {
    private MediaTypes() {}

    public static final Set<String> IMAGE = Set.of("image/jpeg", "image/pjpeg", "image/png", "image/gif", "image/bmp", "image/webp",
            "image/tiff");
    public static final Set<String> VIDEO = Set.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime");
    public static final Set<String> SUBTITLES = Set.of("text/srt", "text/vtt");
    public static final Set<String> MODEL = Set.of("model/gltf-binary", "model/vnd.usdz+zip");
    /** In the spec's order (error messages list them so). */
    public static final List<String> ALL = List.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt",
            "text/vtt", "image/jpeg", "image/gif", "image/bmp", "image/png", "image/webp", "image/pjpeg", "image/tiff",
            "model/gltf-binary", "model/vnd.usdz+zip");

    static Set<String> union(Set<String> a, Set<String> b) {
        var s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
