package dev.mediaup.media;

import dev.mediaup.core.Principal;
import dev.mediaup.core.Upload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /2/media/analytics} as numbers: each media's hourly counters (written and still pending alike) summed into
 * the buckets asked for — hours, days, or one total over the whole window. Only what was really recorded; zeros where
 * nothing happened. The wire shape is the API's business.
 */
public final class Analytics {
    /** How counters are grouped: by hour, by day (24 hours from the window's first hour), or one bucket for all. */
    public enum Granularity {
        HOURLY(1), DAILY(24), TOTAL(Long.MAX_VALUE);

        final long hours;

        Granularity(long hours) {
            this.hours = hours;
        }
    }

    /** One bucket: when it starts and every counter's sum in it. */
    public record Bucket(Instant start, Map<String, Long> metrics) {}

    /** One media's buckets, in time order. */
    public record Series(Upload media, List<Bucket> buckets) {}

    /** The series of the media the caller owns, and the keys asked for that are not (unknown, unfinished, not theirs). */
    public record Report(List<Series> series, List<String> missing) {}

    private final MediaService media;

    public Analytics(MediaService media) {
        this.media = media;
    }

    /** The hours a window spans, first to last (an hourly report is bounded by this). */
    public static long hourSpan(Instant start, Instant end) {
        return lastHour(end) - firstHour(start);
    }

    public Report report(Principal who, List<String> mediaKeys, Instant start, Instant end, Granularity g) {
        long fromHour = firstHour(start), toHour = lastHour(end);
        var found = media.ownedMedia(who, mediaKeys);
        List<Series> series = new ArrayList<>();
        for (Upload u : found.media()) {
            Map<Long, Map<String, Long>> hourly = media.metrics(u.id(), fromHour, toHour);
            List<Bucket> buckets = new ArrayList<>();
            for (long h = fromHour; h <= toHour; h = g == Granularity.TOTAL ? toHour + 1 : h + g.hours) {
                long bucketEnd = g == Granularity.TOTAL ? toHour : Math.min(toHour, h + g.hours - 1);
                Map<String, Long> metrics = new LinkedHashMap<>();
                for (String metric : MediaService.METRICS) {
                    long sum = 0;
                    for (long x = h; x <= bucketEnd; x++) sum += hourly.getOrDefault(x, Map.of()).getOrDefault(metric, 0L);
                    metrics.put(metric, sum);
                }
                // the total's bucket starts where the window does; the others on their hour
                buckets.add(new Bucket(g == Granularity.TOTAL ? start : Instant.ofEpochSecond(h * 3600), metrics));
            }
            series.add(new Series(u, buckets));
        }
        return new Report(series, found.missing());
    }

    private static long firstHour(Instant start) {
        return Math.floorDiv(start.getEpochSecond(), 3600);
    }

    /** The hour of the window's last second (its end is exclusive). */
    private static long lastHour(Instant end) {
        return Math.floorDiv(end.getEpochSecond() - 1, 3600);
    }
}
