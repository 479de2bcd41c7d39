package dev.mediaup.core;

/**
 * A backend (the database, the blob store) could not do what was asked, and nothing was recorded: the caller may
 * try again. Stores throw this rather than a protocol error; the API answers it as a 503.
 */
public final class Unavailable extends RuntimeException {
    public final String backend;

    public Unavailable(String backend, String message, Throwable cause) {
        super(message, cause, false, false);
        this.backend = backend;
    }
}
