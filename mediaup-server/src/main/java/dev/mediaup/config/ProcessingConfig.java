package dev.mediaup.config;

import dev.mediaup.core.Category;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How media is processed after FINALIZE.
 *
 * @param ffmpeg          a system ffmpeg (its ffprobe beside it) instead of the bundled one; null for the bundled one
 * @param ffmpegTimeout   wall-clock limit of one ffmpeg run (its CPU limit is twice that)
 * @param workers         job workers on this node (video, GIF); 0: none — an API-only node, whose jobs worker nodes run
 *                        ({@code mediaup worker}); pictures are still processed at FINALIZE, up to one per core at once
 * @param lease           a job's lease: a crashed worker's job is retried after this
 * @param keepOriginals   keep uploaded bytes after processing (served as variant "original")
 * @param maxDuration     per-category video length limits
 * @param stalledQueue    a due job nobody has claimed for this long shows in /readyz (no node is draining the queue)
 * @param scan            the malware scanner every upload is streamed to before processing; null: none
 * @param storeOnce       which earlier media an upload of the same bytes may reuse the variants of
 * @param transforms      pictures made on request by delivery URLs: the sizes they snap to, how many one media may have
 */
public record ProcessingConfig(String ffmpeg, Duration ffmpegTimeout, long ffmpegMemoryBytes, int workers, Duration lease,
                               int maxJobAttempts, boolean keepOriginals, Map<Category, Duration> maxDuration, int maxGifFrames,
                               Duration stalledQueue, ScanUrl scan, StoreOnce storeOnce, Transforms transforms) {

    /**
     * Delivery's {@code ?w=&h=}: widths and heights snap up to one of {@code sizes} (ascending; the last is the largest
     * that may be asked for), and one media has at most {@code maxPerMedia} pictures made on request.
     */
    public record Transforms(List<Integer> sizes, int maxPerMedia) {
        public static final Transforms DEFAULTS = new Transforms(List.of(64, 128, 256, 320, 480, 640, 800, 1080, 1280, 1600, 2048), 24);
    }

    /**
     * Reuse across users ({@code ANY}: the fastest, and the least storage; a user can then tell from how fast media of
     * some bytes is done that someone has uploaded them), within one user's media ({@code OWNER}), or never ({@code OFF}).
     */
    public enum StoreOnce { ANY, OWNER, OFF }

    public static Map<Category, Duration> defaultMaxDuration() {
        Map<Category, Duration> m = new EnumMap<>(Category.class);
        m.put(Category.TWEET_VIDEO, Duration.ofSeconds(140));
        m.put(Category.DM_VIDEO, Duration.ofSeconds(140));
        m.put(Category.AMPLIFY_VIDEO, Duration.ofSeconds(600));
        return m;
    }

    public static ProcessingConfig defaults() {
        return new ProcessingConfig(null, Duration.ofSeconds(1800), 4L << 30, Runtime.getRuntime().availableProcessors(),
                Duration.ofSeconds(30), 5, false, defaultMaxDuration(), 5000, Duration.ofMinutes(5), null, StoreOnce.ANY,
                Transforms.DEFAULTS);
    }

    /** The length limit of videos of this category (X's 140 s where none is set). */
    public Duration maxDuration(Category c) {
        return maxDuration.getOrDefault(c, Duration.ofSeconds(140));
    }

    void validate(Problems p) {
        p.positive(ffmpegTimeout, "--ffmpeg-timeout-secs");
        p.positive(ffmpegMemoryBytes, "--ffmpeg-memory-bytes");
        p.nonNegative(workers, "--workers");
        p.positive(lease, "--lease-secs");
        p.positive(maxJobAttempts, "--max-job-attempts");
        maxDuration.forEach((c, d) -> p.positive(d, "--max-duration-secs " + c.wire()));
        p.positive(maxGifFrames, "--max-gif-frames");
        p.positive(stalledQueue, "--stalled-queue-secs");
        p.positive(transforms.maxPerMedia(), "--max-transforms-per-media");
        List<Integer> sizes = transforms.sizes();
        p.check(!sizes.isEmpty() && sizes.getFirst() >= 1 && sizes.getLast() <= 8192 && sizes.equals(sizes.stream().sorted().distinct()
                .toList()), "--transform-sizes must be ascending sizes from 1 to 8192, not " + sizes);
    }
}
