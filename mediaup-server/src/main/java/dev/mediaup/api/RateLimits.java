package dev.mediaup.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mediaup.config.LimitsConfig.Rate;
import dev.mediaup.config.LimitsConfig.RateFamily;
import dev.mediaup.core.Problems;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * X-style rate limits: a fixed window per caller (user, app, or client address when unauthenticated) and endpoint
 * family, as Bucket4j token buckets refilled whole at each window. Every response says where the caller stands in
 * x-rate-limit-limit / -remaining / -reset (epoch seconds), and a caller over the limit gets 429. One node keeps the
 * buckets in memory; nodes sharing a PostgreSQL database share them there (Bucket4j's row-locking JDBC backend), so
 * a caller's limit holds across the cluster, whichever node each request lands on.
 *
 * <p>When that database is down, the limiter fails open to this node's memory: each node then enforces every limit
 * on its own (a caller gets at most the limit per node, not per cluster) until the database answers again. Failing
 * closed would turn a database outage into an outage of everything that does not need the database (delivery of
 * cached URLs, health checks, JWT-authenticated reads of nothing), and waiting on it made every request hang.
 */
public final class RateLimits {

    private final Map<RateFamily, Rate> limits;
    private final Cache<String, Bucket> buckets;
    private final ProxyManager<String> shared;
    private final BooleanSupplier sharedUp;

    /**
     * {@code sharedDatabase}: the PostgreSQL database of a cluster, or null to keep buckets in memory;
     * {@code sharedUp}: whether it answers now (read before each use, so an outage costs no wait).
     */
    public RateLimits(Map<RateFamily, Rate> limits, DataSource sharedDatabase, BooleanSupplier sharedUp) {
        this.limits = Map.copyOf(limits);
        this.sharedUp = sharedUp;
        this.shared = sharedDatabase == null ? null
                : Bucket4jPostgreSQL.selectForUpdateBasedBuilder(sharedDatabase).primaryKeyMapper(PrimaryKeyMapper.STRING).build();
        Duration longest = limits.values().stream().map(Rate::window).max(Duration::compareTo).orElse(Duration.ofMinutes(15));
        // a bucket unused for a whole window is full again: forgetting it changes nothing
        this.buckets = Caffeine.newBuilder().expireAfterAccess(longest).maximumSize(1_000_000).build();
    }

    private static Bandwidth bandwidth(Rate limit) {
        return Bandwidth.builder().capacity(limit.requests()).refillIntervally(limit.requests(), limit.window()).build();
    }

    /** Where a caller stands after one more request: the window's limit, what is left, when it resets (epoch seconds). */
    record Standing(long limit, long remaining, long resetsAt, boolean allowed) {}

    /** Counts one request of {@code key} against {@code family}. */
    Standing take(String key, RateFamily family) {
        Rate limit = limits.get(family);
        String id = family + "|" + key;
        ConsumptionProbe probe = shared != null && sharedUp.getAsBoolean() ? takeShared(id, limit) : null;
        if (probe == null)
            probe = buckets.get(id, k -> Bucket.builder().addLimit(bandwidth(limit)).build()).tryConsumeAndReturnRemaining(1);
        long resetNanos = probe.isConsumed() ? probe.getNanosToWaitForReset() : probe.getNanosToWaitForRefill();
        long reset = System.currentTimeMillis() / 1000 + Math.max(1, (resetNanos + 999_999_999L) / 1_000_000_000L);
        return new Standing(limit.requests(), probe.getRemainingTokens(), reset, probe.isConsumed());
    }

    /** One token from the cluster-wide bucket, or null when the database went away between the check and the use. */
    private ConsumptionProbe takeShared(String id, Rate limit) {
        try {
            return shared.builder().build(id, () -> BucketConfiguration.builder().addLimit(bandwidth(limit)).build())
                    .tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) { // fail open to this node's bucket, like while the prober says the database is down
            return null;
        }
    }

    /** Counts one request, says where the caller stands in the x-rate-limit-* headers, and throws 429 when over. */
    void consume(Context ctx, String key, RateFamily family) {
        Standing s = take(key, family);
        ctx.header("x-rate-limit-limit", Long.toString(s.limit()));
        ctx.header("x-rate-limit-remaining", Long.toString(s.remaining()));
        ctx.header("x-rate-limit-reset", Long.toString(s.resetsAt()));
        if (!s.allowed()) {
            ctx.header("Retry-After", Long.toString(Math.max(1, s.resetsAt() - System.currentTimeMillis() / 1000)));
            throw Problems.rateLimited();
        }
    }
}
