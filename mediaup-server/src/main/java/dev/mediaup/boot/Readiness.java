package dev.mediaup.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Readiness answered from memory: each backend check runs in the background every 200 ms, and one that has not
 * answered within 800 ms counts as down. {@code /readyz} therefore answers at once whatever is queued (a load
 * balancer's health check must read a 503, not time out), and no check ever waits on the request pool.
 */
final class Readiness implements Supplier<Map<String, Boolean>>, AutoCloseable {
    private static final long PERIOD_MS = 200, DEADLINE_MS = 800;

    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final Thread loop;
    private volatile boolean closed;

    private static final class Check {
        final BooleanSupplier fn;
        CompletableFuture<Boolean> running;
        long startedAt;
        volatile boolean up;

        Check(BooleanSupplier fn) {
            this.fn = fn;
        }

        /** Reads the result of the run in flight, or counts it down when late; starts the next run once it returned. */
        void tick(long now) {
            if (running != null && !running.isDone()) {
                if (now - startedAt > DEADLINE_MS) up = false; // hung: down, and no second run piles up behind it
                return;
            }
            if (running != null) up = running.getNow(false);
            startedAt = now;
            running = CompletableFuture.supplyAsync(() -> {
                try {
                    return fn.getAsBoolean();
                } catch (RuntimeException e) {
                    return false;
                }
            }, r -> Thread.ofVirtual().name("mediaup-readiness").start(r));
        }
    }

    /** Starts checking; the first answers are awaited (up to the deadline) so a fresh node reports the truth. */
    Readiness(Map<String, BooleanSupplier> backends) {
        backends.forEach((name, fn) -> checks.put(name, new Check(fn)));
        long now = System.currentTimeMillis();
        for (Check c : checks.values()) c.tick(now);
        for (Check c : checks.values()) {
            try {
                c.up = c.running.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                c.up = false;
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
            for (Check c : checks.values()) c.tick(now);
        }
    }

    @Override
    public Map<String, Boolean> get() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        checks.forEach((name, c) -> out.put(name, c.up));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
    }
}
