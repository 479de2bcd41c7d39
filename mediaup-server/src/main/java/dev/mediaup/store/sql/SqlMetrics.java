package dev.mediaup.store.sql;

import dev.mediaup.store.MetricsStore;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Hourly media counters on SQL, added in batches that do not wait for their commit. */
final class SqlMetrics implements MetricsStore {
    private final SqlDatabase db;

    SqlMetrics(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public void count(Map<Long, Map<Long, Map<String, Long>>> deltas) {
        if (deltas.isEmpty()) return;
        db.writeLater(h -> {
            var b = h.prepareBatch("""
                    INSERT INTO media_metrics (media_id, hour, metric, value) VALUES (:m, :h, :k, :v)
                    ON CONFLICT (media_id, hour, metric) DO UPDATE SET value = media_metrics.value + excluded.value""");
            deltas.forEach((m, hours) -> hours.forEach((hour, counts) -> counts.forEach((k, v) ->
                    b.bind("m", m).bind("h", hour).bind("k", k).bind("v", v).add())));
            return b.execute();
        });
    }

    @Override
    public Map<Long, Map<String, Long>> metrics(long mediaId, long fromHour, long toHour) {
        Map<Long, Map<String, Long>> out = new TreeMap<>();
        db.read(h -> {
            h.createQuery("SELECT hour, metric, value FROM media_metrics WHERE media_id = :m AND hour BETWEEN :f AND :t")
                    .bind("m", mediaId).bind("f", fromHour).bind("t", toHour)
                    .map((rs, ctx) -> new Object[]{rs.getLong(1), rs.getString(2), rs.getLong(3)})
                    .forEach(r -> out.computeIfAbsent((Long) r[0], k -> new HashMap<>()).merge((String) r[1], (Long) r[2], Long::sum));
            return null;
        });
        return out;
    }
}
