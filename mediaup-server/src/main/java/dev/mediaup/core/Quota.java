package dev.mediaup.core;

import java.util.Optional;

/**
 * Per-user byte quotas; null means unlimited. {@code dailyBytes} counts bytes received per UTC day (re-sent segments
 * too: they cost bandwidth), {@code storedBytes} the bytes kept (segments, originals, variants).
 */
public record Quota(Long dailyBytes, Long storedBytes) {
    public static final Quota NONE = new Quota(null, null);

    public boolean unlimited() { return dailyBytes == null && storedBytes == null; }

    public static long epochDay(long epochSeconds) { return Math.floorDiv(epochSeconds, 86_400); }

    /** The quota day ends at 00:00 UTC. */
    public static long dayEnds(long epochSeconds) { return (epochDay(epochSeconds) + 1) * 86_400; }

    /** At INITIALIZE: the declared total_bytes must fit what is left of both quotas (appends then check exactly). */
    public Optional<Refusal> initRefusal(Usage usage, long declared, long now) {
        if (dailyBytes != null && usage.uploadedToday() + declared > dailyBytes)
            return Optional.of(new Refusal.DailyQuota(dailyBytes, usage.uploadedToday(), dayEnds(now)));
        if (storedBytes != null && usage.storedBytes() + declared > storedBytes)
            return Optional.of(new Refusal.StoredQuota(storedBytes, usage.storedBytes()));
        return Optional.empty();
    }

    /**
     * At append, inside the transaction that records the segment: whether {@code received} more bytes today, of which
     * {@code storedDelta} stay stored (a re-sent segment replaces the old one's bytes), fit.
     */
    public Optional<Refusal> refusal(long uploadedToday, long stored, long received, long storedDelta, long now) {
        if (dailyBytes != null && uploadedToday + received > dailyBytes)
            return Optional.of(new Refusal.DailyQuota(dailyBytes, uploadedToday, dayEnds(now)));
        if (storedBytes != null && storedDelta > 0 && stored + storedDelta > storedBytes)
            return Optional.of(new Refusal.StoredQuota(storedBytes, stored));
        return Optional.empty();
    }
}
