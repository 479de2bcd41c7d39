package dev.mediaup.core;

/** What the bytes are, which decides the processing path and the media_key prefix. */
public enum Family {
    IMAGE("3"), GIF("16"), VIDEO("7"), AMPLIFY_VIDEO("13"), SUBTITLES("3"), MODEL("3");

    public final String keyPrefix;

    Family(String keyPrefix) { this.keyPrefix = keyPrefix; }

    /** Processed by the durable job queue after FINALIZE answers; the rest while FINALIZE waits. */
    public boolean processedAsync() { return this == GIF || this == VIDEO || this == AMPLIFY_VIDEO; }

    public boolean video() { return this == VIDEO || this == AMPLIFY_VIDEO; }
}
