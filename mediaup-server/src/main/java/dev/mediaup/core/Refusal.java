package dev.mediaup.core;

/**
 * Why a write the protocol asked for cannot happen, as data: the rules on {@link Upload} and {@link Quota} and the
 * stores' check-and-write methods return one, and the service turns it into the wire's answer with
 * {@link Problems#refused}. Stores thus report facts and never build protocol errors.
 */
public sealed interface Refusal {
    record UnknownUpload(long id) implements Refusal {}

    record SessionExpired(long id, long expiresAt) implements Refusal {}

    record AlreadyFinalized(long id) implements Refusal {}

    /** Recording segment {@code index} of {@code size} bytes would bring the upload to {@code newTotal}, over {@code max}. */
    record OverTotal(int index, long size, long newTotal, long max) implements Refusal {}

    record DailyQuota(long quota, long used, long resetsAt) implements Refusal {}

    record StoredQuota(long quota, long used) implements Refusal {}

    /** FINALIZE validated a list of segments, and an append changed it before the state could change. */
    record SegmentsChanged(long id) implements Refusal {}

    /** Another FINALIZE of the same upload won. */
    record FinalizedConcurrently(long id) implements Refusal {}
}
