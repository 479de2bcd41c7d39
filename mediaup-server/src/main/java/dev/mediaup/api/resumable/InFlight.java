package dev.mediaup.api.resumable;

import dev.mediaup.core.Problems;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps the offsets this node reports true while transfers drop and resume — the draft's concurrency rules: an offset
 * the server reports must be accepted by the next append if nothing else appended meanwhile, and a request about an
 * upload ends an append still running for it. A client whose transfer dropped (as it sees it) asks where the upload
 * stands while the server may still be reading the old transfer — or may not even have begun handling it (it waits
 * in a socket buffer or for a thread; two connections are not handled in the order their bytes arrived). So:
 * <ul>
 *   <li>answering where an upload stands first cuts off the append running for it here (its connection closed); that
 *   append keeps what it got, durable and recorded, and ends; only then is the offset read;</li>
 *   <li>an append that began to arrive before an offset of its upload was last reported here appends nothing: its
 *   client sent it before learning that offset, and has given up on it (a client that learned the offset can only
 *   send its next append after).</li>
 * </ul>
 * Across nodes, the upload's row lock keeps appends exclusive and offsets exact; a request on another node is neither
 * cut off nor refused, it ends on its own.
 */
final class InFlight {
    /** How long a request waits for the append it cut off to finish storing what it got. */
    private static final long WAIT_SECS = 30;
    /** Past this, an upload's state here no longer matters: any request that old has long been handled. */
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int FORGET_ABOVE = 10_000;

    private final ConcurrentHashMap<Long, Upload> uploads = new ConcurrentHashMap<>();

    /** One upload here: the append running for it, and when an offset of it was last reported (System.nanoTime). */
    private static final class Upload {
        final AtomicReference<Running> running = new AtomicReference<>();
        /** Nothing reported yet: as if long ago (nanoTime values are compared by their difference, never as numbers). */
        final AtomicLong reported = new AtomicLong(System.nanoTime() - FORGET_NANOS);
    }

    /** One appending request: how to cut it off, and a latch that opens when it has ended. */
    private record Running(Runnable cutOff, CountDownLatch ended) {}

    /** A registration, ended with close() once its request has answered. */
    interface Entry extends AutoCloseable {
        @Override
        void close();
    }

    /** Reads where upload {@code id} stands with {@code read}, after ending the append running for it here. */
    <T> T report(long id, Supplier<T> read) {
        Upload u = upload(id);
        synchronized (u) {
            Running r = u.running.get();
            if (r != null) end(u, r);
            T at = read.get();
            u.reported.set(System.nanoTime());
            return at;
        }
    }

    /**
     * Registers the calling request, which began to arrive at {@code began}, as the one appending to {@code id}, after
     * ending any other here. Null when an offset of the upload was reported after it began: it must append nothing.
     */
    Entry enter(long id, long began, Runnable cutOff) {
        Upload u = upload(id);
        Running mine = new Running(cutOff, new CountDownLatch(1));
        synchronized (u) {
            if (began - u.reported.get() < 0) return null;
            Running before = u.running.get();
            if (before != null) end(u, before);
            u.running.set(mine);
        }
        return () -> {
            u.reported.accumulateAndGet(System.nanoTime(), Math::max); // its answer reports an offset too
            u.running.compareAndSet(mine, null);
            mine.ended().countDown();
        };
    }

    private Upload upload(long id) {
        if (uploads.size() > FORGET_ABOVE) {
            long now = System.nanoTime();
            uploads.values().removeIf(u -> u.running.get() == null && now - u.reported.get() > FORGET_NANOS);
        }
        return uploads.computeIfAbsent(id, k -> new Upload());
    }

    private static void end(Upload u, Running r) {
        r.cutOff().run();
        try {
            if (!r.ended().await(WAIT_SECS, TimeUnit.SECONDS)) throw Problems.busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problems.busy();
        }
        u.running.compareAndSet(r, null);
    }
}
