package dev.mediaup.core;

/**
 * Why processing failed, as X reports it inside processing_info.error ({@code code}, {@code name}, {@code message}).
 *
 * @param rejected the bytes were refused for what they carry (malware): they are deleted, and the webhook event is
 *                 {@code media.rejected}; not stored — it only steers the transaction that records the failure
 */
public record Failure(int code, String name, String message, boolean rejected) {
    public Failure(int code, String name, String message) {
        this(code, name, message, false);
    }

    /** The malware scanner found {@code signature} in the bytes. */
    public static Failure malware(String signature) {
        return new Failure(1, "InvalidMedia", "The media was rejected: the malware scanner found " + signature + " in it.", true);
    }

    /** The media itself is at fault (not a format we take, too long, corrupt): final, never retried. */
    public static Failure invalidMedia(String message) {
        return new Failure(1, "InvalidMedia", message);
    }

    /** Our side failed for good (every attempt used up). */
    public static Failure internal(String message) {
        return new Failure(3, "InternalError", message);
    }
}
