package dev.mediaup.core;

/** Why processing failed, as X reports it inside processing_info.error. */
public record Failure(int code, String name, String message) {
    /** The media itself is at fault (not a format we take, too long, corrupt): final, never retried. */
    public static Failure invalidMedia(String message) {
        return new Failure(1, "InvalidMedia", message);
    }

    /** Our side failed for good (every attempt used up). */
    public static Failure internal(String message) {
        return new Failure(3, "InternalError", message);
    }
}
