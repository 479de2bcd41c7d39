package dev.mediaup.core;

import java.util.List;

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

    /** tus: the client's Upload-Offset is not where the upload stands ({@code actual} bytes). */
    record OffsetMismatch(long id, long offset, long actual) implements Refusal {}

    /**
     * A length given for the upload ({@code declared}) differs from the one it was given before ({@code known}, when it
     * has one) or is less than the {@code held} bytes it already holds.
     */
    record LengthConflict(long id, long declared, Long known, long held) implements Refusal {}

    /** tus concatenation: a partial upload that does not yet hold its declared length. */
    record PartialIncomplete(long id, long offset, long length) implements Refusal {}

    /** The grant was revoked or has expired. */
    record GrantNotLive(String grantId) implements Refusal {}

    /** Every upload the grant allowed has been started. */
    record GrantUsedUp(String grantId, int uploads) implements Refusal {}

    record GrantCategory(String grantId, Category allowed, Category requested) implements Refusal {}

    record GrantType(String grantId, List<String> allowed, String requested) implements Refusal {}

    /** The grant caps the bytes, so its uploads must say how many they bring. */
    record GrantNeedsTotal(String grantId, long maxBytes) implements Refusal {}

    record GrantTooLarge(String grantId, long maxBytes, long totalBytes) implements Refusal {}
}
