package dev.mediaup.config;

import dev.mediaup.core.Category;
import dev.mediaup.core.Quota;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one upload, one user and one caller may do. Defaults follow X's published limits.
 *
 * @param sessionWindow        how long an upload session takes segments
 * @param amplifySessionWindow the same for amplify_video (X gives those about 15 days)
 * @param maxPixels            largest image accepted (decompression-bomb guard)
 * @param minFreeBytes         appends are refused when free disk would drop below this
 * @param v11MaxAppendBytes    largest v1.1 APPEND (v1.1 allowed 5 MB)
 */
public record LimitsConfig(Map<Category, Long> categoryMaxBytes, long maxSegmentBytes, Duration sessionWindow,
                           Duration amplifySessionWindow, long maxPixels, long minFreeBytes, Quota quota,
                           Map<RateFamily, Rate> rateLimits, long v11MaxAppendBytes) {

    private static final long MIB = 1024L * 1024;

    /** The endpoint families rate limits count separately. */
    public enum RateFamily {
        UPLOAD, STATUS, READ, ANONYMOUS;

        /** The family's name; "unauthenticated" is the README's (and X's) word for {@code anonymous}. */
        public static RateFamily parse(String s) {
            if (s.trim().equalsIgnoreCase("unauthenticated")) return ANONYMOUS;
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown rate-limit family " + s
                        + " (upload, status, read, anonymous or unauthenticated)");
            }
        }
    }

    /** {@code requests} per {@code window}, refilled whole at each window (X's fixed windows). */
    public record Rate(long requests, Duration window) {
        /** {@code "500/900"}: 500 requests per 900 seconds. */
        public static Rate parse(String s) {
            String[] p = s.split("/");
            try {
                if (p.length != 2) throw new NumberFormatException();
                Rate r = new Rate(Long.parseLong(p[0].trim()), Duration.ofSeconds(Long.parseLong(p[1].trim())));
                if (r.requests() < 1 || !r.window().isPositive()) throw new NumberFormatException();
                return r;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad rate limit " + s + " (want requests/seconds, both above 0)");
            }
        }
    }

    public static Map<Category, Long> defaultCategoryMaxBytes() {
        Map<Category, Long> m = new EnumMap<>(Category.class);
        m.put(Category.TWEET_IMAGE, 5 * MIB);
        m.put(Category.DM_IMAGE, 5 * MIB);
        m.put(Category.TWEET_GIF, 15 * MIB);
        m.put(Category.DM_GIF, 15 * MIB);
        // long-form video: the spec's 16 GiB ceiling (X's seed example initializes an 8 GiB tweet_video)
        m.put(Category.TWEET_VIDEO, 16L * 1024 * MIB);
        m.put(Category.AMPLIFY_VIDEO, 16L * 1024 * MIB);
        m.put(Category.DM_VIDEO, 512 * MIB);
        m.put(Category.SUBTITLES, 5 * MIB);
        return m;
    }

    /** Generous defaults for a self-hosted service, in X's 15-minute windows. */
    public static Map<RateFamily, Rate> defaultRateLimits() {
        Map<RateFamily, Rate> m = new EnumMap<>(RateFamily.class);
        m.put(RateFamily.UPLOAD, new Rate(50_000, Duration.ofMinutes(15)));
        m.put(RateFamily.STATUS, new Rate(100_000, Duration.ofMinutes(15)));
        m.put(RateFamily.READ, new Rate(100_000, Duration.ofMinutes(15)));
        m.put(RateFamily.ANONYMOUS, new Rate(5_000, Duration.ofMinutes(15)));
        return m;
    }

    public static LimitsConfig defaults() {
        // 16 GiB / 1000 segments needs > 16 MiB per segment
        return new LimitsConfig(defaultCategoryMaxBytes(), 32 * MIB, Duration.ofSeconds(86_400), Duration.ofSeconds(1_295_999),
                100_000_000L, 64 * MIB, Quota.NONE, defaultRateLimits(), 5_242_880);
    }

    /** The session window of uploads of this category. */
    public Duration sessionWindow(Category c) {
        return c.longSession() ? amplifySessionWindow : sessionWindow;
    }

    public long maxBytes(Category c) {
        return categoryMaxBytes.get(c);
    }

    /** The largest upload any category takes (what a one-shot body may reach before its category is known). */
    public long largestUpload() {
        return categoryMaxBytes.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    void validate(Problems p) {
        p.check(categoryMaxBytes.keySet().containsAll(EnumMap.class.cast(defaultCategoryMaxBytes()).keySet()),
                "every media_category needs a byte limit");
        categoryMaxBytes.forEach((c, v) -> p.positive(v, "--category-limits " + c.wire()));
        p.positive(maxSegmentBytes, "--max-segment-bytes");
        p.positive(sessionWindow, "--expires-after-secs");
        p.positive(amplifySessionWindow, "--amplify-expires-after-secs");
        p.positive(maxPixels, "--max-pixels");
        p.check(minFreeBytes >= 0, "--min-free-bytes must not be negative");
        p.check(quota.dailyBytes() == null || quota.dailyBytes() > 0, "--daily-quota-bytes must be more than 0");
        p.check(quota.storedBytes() == null || quota.storedBytes() > 0, "--stored-quota-bytes must be more than 0");
        p.positive(v11MaxAppendBytes, "--v11-max-append-bytes");
    }
}
