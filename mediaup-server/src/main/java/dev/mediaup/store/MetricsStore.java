package dev.mediaup.store;

import java.util.Map;

/** Hourly per-media counters (deliveries, playback beacons) behind /2/media/analytics. */
public interface MetricsStore {

    /** Adds counts (media id → hour → metric → delta); applied in the background, batched: delivery never waits. */
    void count(Map<Long, Map<Long, Map<String, Long>>> deltas);

    /** Metric sums per hour for one media in [fromHour, toHour]. */
    Map<Long, Map<String, Long>> metrics(long mediaId, long fromHour, long toHour);
}
