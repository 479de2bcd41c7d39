package dev.mediaup.api;

import dev.mediaup.config.LimitsConfig.Rate;
import dev.mediaup.config.LimitsConfig.RateFamily;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** X-style fixed windows per caller and family, on one node (the cluster's shared buckets are tested end to end). */
class RateLimitsTest {
    final RateLimits limits = new RateLimits(Map.of(RateFamily.UPLOAD, new Rate(3, Duration.ofSeconds(900)),
            RateFamily.READ, new Rate(100, Duration.ofSeconds(60))), null, () -> true);

    @Test
    void aCallerGetsItsLimitPerWindowThenIsRefusedUntilTheReset() {
        long now = System.currentTimeMillis() / 1000;
        for (int left = 2; left >= 0; left--) {
            var s = limits.take("user:1", RateFamily.UPLOAD);
            assertThat(s.allowed()).isTrue();
            assertThat(s.limit()).isEqualTo(3);
            assertThat(s.remaining()).isEqualTo(left);
        }
        var refused = limits.take("user:1", RateFamily.UPLOAD);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.resetsAt()).isBetween(now + 890, now + 902); // the fixed window's end, not a trickle refill
    }

    @Test
    void callersAndFamiliesCountSeparately() {
        for (int i = 0; i < 3; i++) limits.take("user:2", RateFamily.UPLOAD);
        assertThat(limits.take("user:2", RateFamily.UPLOAD).allowed()).isFalse();
        assertThat(limits.take("user:3", RateFamily.UPLOAD).allowed()).isTrue();
        assertThat(limits.take("user:2", RateFamily.READ).remaining()).isEqualTo(99);
    }
}
