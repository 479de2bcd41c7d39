package dev.mediaup.fuzz;

import java.time.Duration;
import java.util.List;

/**
 * The contract every parser of untrusted input keeps under fuzzing: an input ends in a result or in one of
 * the parser's declared exceptions (the X-style problem a client gets, or the media's rejection) — never anything
 * else — and within a second. Memory is bounded by the test JVM's heap: an input that allocates without bound fails
 * with OutOfMemoryError, which is not declared.
 */
public final class Fuzzing {
    public static final Duration BUDGET = Duration.ofSeconds(1);

    private Fuzzing() {}

    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs one input. A first run over budget is repeated once before it counts, so class loading and JIT warm-up of
     * the first inputs (Tika's magic database takes longer than a second to load) are not mistaken for a slow parser.
     */
    @SafeVarargs
    public static void bounded(Body body, Class<? extends Exception>... declared) throws Exception {
        if (elapsed(body, List.of(declared)) <= BUDGET.toNanos()) return;
        long again = elapsed(body, List.of(declared));
        if (again > BUDGET.toNanos())
            throw new AssertionError("one input took " + again / 1_000_000 + " ms (budget " + BUDGET.toMillis() + " ms)");
    }

    private static long elapsed(Body body, List<Class<? extends Exception>> declared) throws Exception {
        long t0 = System.nanoTime();
        try {
            body.run();
        } catch (Exception e) {
            if (declared.stream().noneMatch(c -> c.isInstance(e))) throw e;
        }
        return System.nanoTime() - t0;
    }
}
