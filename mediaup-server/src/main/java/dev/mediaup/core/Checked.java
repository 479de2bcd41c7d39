package dev.mediaup.core;

import java.util.function.Function;

/**
 * The answer of a check-and-write: what was written, or the {@link Refusal} that says why nothing was. Stores return
 * it instead of throwing protocol errors; the caller decides what the refusal means on its wire.
 */
public sealed interface Checked<T> {
    record Done<T>(T value) implements Checked<T> {}

    record Refused<T>(Refusal reason) implements Checked<T> {}

    static <T> Checked<T> done(T value) {
        return new Done<>(value);
    }

    static <T> Checked<T> refused(Refusal reason) {
        return new Refused<>(reason);
    }

    /** The value, or {@code problem} of the refusal thrown. */
    default T orElseThrow(Function<Refusal, ? extends RuntimeException> problem) {
        return switch (this) {
            case Done<T> d -> d.value();
            case Refused<T> r -> throw problem.apply(r.reason());
        };
    }
}
