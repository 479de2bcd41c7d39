package dev.mediaup.core;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The spec's media_category enum, with the media types each accepts. */
public enum Category {
    AMPLIFY_VIDEO(MediaTypes.VIDEO), TWEET_GIF(Set.of("image/gif")), TWEET_IMAGE(MediaTypes.union(MediaTypes.IMAGE, MediaTypes.MODEL)),
    TWEET_VIDEO(MediaTypes.VIDEO), DM_GIF(Set.of("image/gif")), DM_IMAGE(MediaTypes.IMAGE), DM_VIDEO(MediaTypes.VIDEO),
    SUBTITLES(MediaTypes.SUBTITLES);

    public final Set<String> mediaTypes;

    Category(Set<String> mediaTypes) { this.mediaTypes = mediaTypes; }

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** X keeps amplify_video sessions open far longer than others (about 15 days instead of one). */
    public boolean longSession() { return this == AMPLIFY_VIDEO; }

    public static Optional<Category> parse(String s) {
        for (Category c : values()) if (c.wire().equals(s)) return Optional.of(c);
        return Optional.empty();
    }

    /** X's rule when media_category is omitted: infer it from the media type. */
    public static Category inferFrom(String mediaType) {
        if (mediaType.equals("image/gif")) return TWEET_GIF;
        if (MediaTypes.VIDEO.contains(mediaType)) return TWEET_VIDEO;
        if (MediaTypes.SUBTITLES.contains(mediaType)) return SUBTITLES;
        return TWEET_IMAGE;
    }

    public Family family(String mediaType) {
        if (this == AMPLIFY_VIDEO) return Family.AMPLIFY_VIDEO;
        if (this == SUBTITLES) return Family.SUBTITLES;
        if (MediaTypes.MODEL.contains(mediaType)) return Family.MODEL;
        if (this == TWEET_GIF || this == DM_GIF) return Family.GIF;
        if (MediaTypes.VIDEO.contains(mediaType)) return Family.VIDEO;
        return Family.IMAGE;
    }
}
