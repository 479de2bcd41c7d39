package dev.mediaup.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What {@link ServeConfig#validate()} found wrong, gathered so one error names every bad value at once. */
final class Problems {
    final List<String> found = new ArrayList<>();

    void check(boolean ok, String message) {
        if (!ok) found.add(message);
    }

    void positive(Duration d, String option) {
        check(d != null && d.isPositive(), option + " must be more than 0");
    }

    void nonNegative(Duration d, String option) {
        check(d != null && !d.isNegative(), option + " must not be negative");
    }

    void positive(long v, String option) {
        check(v > 0, option + " must be more than 0, not " + v);
    }

    void nonNegative(long v, String option) {
        check(v >= 0, option + " must not be negative, not " + v);
    }
}
