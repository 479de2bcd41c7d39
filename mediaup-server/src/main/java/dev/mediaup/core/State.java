package dev.mediaup.core;

import java.util.Locale;

/** Lifecycle of an upload; the wire's processing_info.state is the lower-case name of the last four. */
public enum State {
    UPLOADING, PENDING, IN_PROGRESS, SUCCEEDED, FAILED, EXPIRED;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public boolean finalized() { return this == PENDING || this == IN_PROGRESS || this == SUCCEEDED || this == FAILED; }

    /** Ended: no more processing will change it (webhooks fire on entering one of these). */
    public boolean terminal() { return this == SUCCEEDED || this == FAILED; }

    /** Listed and looked up as media: finished, or finalized and on its way. */
    public boolean isMedia() { return this == SUCCEEDED || this == PENDING || this == IN_PROGRESS; }
}
