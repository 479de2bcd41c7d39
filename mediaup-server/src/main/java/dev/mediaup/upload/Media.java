package dev.mediaup.upload;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The vocabulary of the protocol: categories, media types, families, states and the records they describe. */
public final class Media {
    private Media() {}

    /** What the bytes are, which decides the processing path and the media_key prefix. */
    public enum Family {
        IMAGE("3"), GIF("16"), VIDEO("7"), AMPLIFY_VIDEO("13"), SUBTITLES("3"), MODEL("3");

        public final String keyPrefix;

        Family(String keyPrefix) { this.keyPrefix = keyPrefix; }

        public boolean processedAsync() { return this == GIF || this == VIDEO || this == AMPLIFY_VIDEO; }
    }

    public static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/pjpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/tiff");
    public static final Set<String> VIDEO_TYPES = Set.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime");
    public static final Set<String> SUBTITLE_TYPES = Set.of("text/srt", "text/vtt");
    public static final Set<String> MODEL_TYPES = Set.of("model/gltf-binary", "model/vnd.usdz+zip");
    public static final List<String> MEDIA_TYPES = List.of("video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt",
            "text/vtt", "image/jpeg", "image/gif", "image/bmp", "image/png", "image/webp", "image/pjpeg", "image/tiff",
            "model/gltf-binary", "model/vnd.usdz+zip");

    /** The spec's media_category enum, with the media types each accepts. */
    public enum Category {
        AMPLIFY_VIDEO(VIDEO_TYPES), TWEET_GIF(Set.of("image/gif")), TWEET_IMAGE(union(IMAGE_TYPES, MODEL_TYPES)), TWEET_VIDEO(VIDEO_TYPES),
        DM_GIF(Set.of("image/gif")), DM_IMAGE(IMAGE_TYPES), DM_VIDEO(VIDEO_TYPES), SUBTITLES(SUBTITLE_TYPES);

        public final Set<String> mediaTypes;

        Category(Set<String> mediaTypes) { this.mediaTypes = mediaTypes; }

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        public static Optional<Category> parse(String s) {
            for (Category c : values()) if (c.wire().equals(s)) return Optional.of(c);
            return Optional.empty();
        }

        /** X's rule when media_category is omitted: infer it from the media type. */
        public static Category inferFrom(String mediaType) {
            if (mediaType.equals("image/gif")) return TWEET_GIF;
            if (VIDEO_TYPES.contains(mediaType)) return TWEET_VIDEO;
            if (SUBTITLE_TYPES.contains(mediaType)) return SUBTITLES;
            return TWEET_IMAGE;
        }

        public Family family(String mediaType) {
            if (this == AMPLIFY_VIDEO) return Family.AMPLIFY_VIDEO;
            if (this == SUBTITLES) return Family.SUBTITLES;
            if (MODEL_TYPES.contains(mediaType)) return Family.MODEL;
            if (this == TWEET_GIF || this == DM_GIF) return Family.GIF;
            if (VIDEO_TYPES.contains(mediaType)) return Family.VIDEO;
            return Family.IMAGE;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    /** Lifecycle of an upload; the wire's processing_info.state is the lower-case name of the last four. */
    public enum State {
        UPLOADING, PENDING, IN_PROGRESS, SUCCEEDED, FAILED, EXPIRED;

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        public boolean finalized() { return this == PENDING || this == IN_PROGRESS || this == SUCCEEDED || this == FAILED; }
    }

    /** What processing learned about the media; every field optional. */
    public record Info(Integer width, Integer height, String imageType, String videoType, Long durationMs) {
        public static final Info NONE = new Info(null, null, null, null, null);
    }

    /** Why processing failed, as X reports it inside processing_info. */
    public record Failure(int code, String name, String message) {}

    public record Upload(long id, String ownerId, String mediaType, Category category, Family family, Long totalBytes,
                         boolean shared, List<String> additionalOwners, State state, long createdAt, long expiresAt,
                         Long size, int progress, Info info, Failure failure, String metadataJson, int checkAfterSecs) {

        public String mediaKey() { return family.keyPrefix + "_" + id; }

        public String idString() { return Long.toString(id); }

        public boolean visibleTo(String userId) { return ownerId.equals(userId) || additionalOwners.contains(userId); }

        /** Who may read it: its owners, and anyone (app-only callers included) when it is shared. */
        public boolean readableBy(String userIdOrNull) { return shared || (userIdOrNull != null && visibleTo(userIdOrNull)); }

        /** X's Media.type. */
        public String wireType() {
            return switch (family) {
                case IMAGE -> "photo";
                case GIF -> "animated_gif";
                case VIDEO, AMPLIFY_VIDEO -> "video";
                case SUBTITLES -> "subtitles";
                case MODEL -> "model";
            };
        }

        public long expiresAfterSecs(long now) { return Math.max(0, expiresAt - now); }

        /** An upload session that ended unfinalized: swept already, or past its expiry and waiting for the sweeper. */
        public boolean sessionExpired(long now) { return state == State.EXPIRED || (state == State.UPLOADING && expiresAt <= now); }
    }

    public record Segment(long uploadId, int index, long size, String sha256, String blobKey) {}

    /**
     * A file processing made from the upload (a resized image, an H.264 rendition, a poster, a WebVTT track): what
     * delivery serves under /media/{media_key}/{name}. Its blob lives under the upload's prefix.
     */
    public record Variant(long mediaId, String name, String contentType, long size, Integer width, Integer height, Integer bitRate,
                          String sha256, String blobKey) {}
}
