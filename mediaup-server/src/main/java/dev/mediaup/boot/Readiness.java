package dev.mediaup.boot;

import dev.mediaup.api.Routes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Readiness answered from memory: each backend check runs in the background every 200 ms, and one that has not
 * answered within 800 ms counts as down. {@code /readyz} therefore answers at once whatever is queued (a load
 * balancer's health check must read a 503, not time out), and no check ever waits on the request pool.
 */
final class Readiness implements Supplier<List<Routes.Check>>, AutoCloseable {
    private static final long PERIOD_MS = 200, DEADLINE_MS = 800;

    /**
     * One thing to check: {@code downReason} answers null when it is fine, else why not; {@code essential}: whether
     * the node is unready without it (the database, the blobs) or only degraded (processing).
     */
    record Probe(String name, boolean essential, Supplier<String> downReason) {}

    private final List<Check> checks = new ArrayList<>();
    private final Thread loop;
    private volatile boolean closed;

    private static final class Check {
        final Probe probe;
        CompletableFuture<String> running;
        long startedAt;
        /** Null when up, else why not. */
        volatile String down = "not checked yet";

        Check(Probe probe) {
            this.probe = probe;
        }

        /** Reads the result of the run in flight, or counts it down when late; starts the next run once it returned. */
        void tick(long now) {
            if (running != null && !running.isDone()) {
                if (now - startedAt > DEADLINE_MS) down = "no answer within " + DEADLINE_MS + " ms"; // and no second run piles up
                return;
            }
            if (running != null) down = running.getNow("no answer");
            startedAt = now;
            running = CompletableFuture.supplyAsync(() -> {
                try {
                    return probe.downReason().get();
                } catch (RuntimeException e) {
                    return e.toString();
                }
            }, r -> Thread.ofVirtual().name("mediaup-readiness").start(r));
        }
    }

    /** Starts checking; the first answers are awaited (up to the deadline) so a fresh node reports the truth. */
    Readiness(List<Probe> probes) {
        for (Probe p : probes) checks.add(new Check(p));
        long now = System.currentTimeMillis();
        for (Check c : checks) c.tick(now);
        for (Check c : checks) {
            try {
                c.down = c.running.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                c.down = "no answer within " + DEADLINE_MS + " ms";
            }
        }
        loop = Thread.ofPlatform().daemon().name("mediaup-readiness").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (Check c : checks) c.tick(now);
        }
    }

    @Override
    public List<Routes.Check> get() {
        return checks.stream().map(c -> new Routes.Check(c.probe.name(), c.probe.essential(), c.down)).toList();
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
    }
}
