package dev.mediaup.core;

/**
 * The media itself is at fault (a decoder refused it, it is too long, it is not what it claims): the upload ends
 * FAILED with InvalidMedia and the message, and nothing retries it. Anything else a processor throws is our fault and
 * the job is tried again.
 */
public final class MediaRejected extends RuntimeException {
    public MediaRejected(String message) {
        super(message, null, false, false);
    }
}
