package dev.mediaup.upload;

import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.store.UploadReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for uploads to change (STATUS with {@code wait_secs}, and the SSE stream). Whichever node runs the
 * job, the change lands in the shared database, so one loop per node reads every watched upload in one query each
 * {@code period} while anyone waits, and wakes the waiters whose upload moved: a node learns of another node's work
 * within a period, at the cost of one indexed query per period — not one per waiting client. Nobody waiting: no
 * queries.
 */
public final class StatusWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusWatch.class);

    /** Ids per query (SQL parameter lists have limits). */
    private static final int BATCH = 500;

    private record Waiter(String seen, CompletableFuture<Upload> changed) {}

    private final UploadReads reads;
    private final Duration period;
    private final Map<Long, List<Waiter>> waiting = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean closed;

    public StatusWatch(UploadReads reads, Duration period) {
        this.reads = reads;
        this.period = period;
        this.loop = Thread.ofVirtual().name("status-watch").start(this::run);
    }

    /** What a watcher compares: the state and the progress (STATUS shows both). */
    public static String version(Upload u) {
        return u.state().wire() + "-" + u.progress();
    }

    /** No change will follow: the media is done, failed, or its session ended. */
    public static boolean settled(Upload u) {
        return u.state() == State.SUCCEEDED || u.state() == State.FAILED || u.state() == State.EXPIRED;
    }

    /**
     * The upload as soon as its state or progress differs from {@code seen} (a {@link #version}), or null when
     * {@code max} passed without a change.
     */
    public Upload next(long id, String seen, Duration max) throws InterruptedException {
        if (closed) return null;
        Waiter w = new Waiter(seen, new CompletableFuture<>());
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(w);
        try {
            return w.changed().get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            waiting.computeIfPresent(id, (k, list) -> {
                list.remove(w);
                return list.isEmpty() ? null : list;
            });
        }
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (waiting.isEmpty()) continue;
            try {
                List<Long> ids = List.copyOf(waiting.keySet());
                for (int from = 0; from < ids.size(); from += BATCH)
                    for (Upload u : reads.find(ids.subList(from, Math.min(ids.size(), from + BATCH)))) {
                        String now = version(u);
                        for (Waiter w : waiting.getOrDefault(u.id(), List.of()))
                            if (!w.seen().equals(now)) w.changed().complete(u);
                    }
            } catch (RuntimeException e) {
                // the database is away: the waiters time out and answer what they had; the next round tries again
                log.debug("status watch could not read uploads: {}", e.toString());
            }
        }
    }

    /** Closed: the node is stopping; streams end (their clients reconnect, to another node, with Last-Event-ID). */
    public boolean closed() {
        return closed;
    }

    /** Wakes every waiter (with no change) and stops the loop: a stop need not wait for long polls and streams. */
    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        waiting.values().forEach(list -> list.forEach(w -> w.changed().complete(null)));
    }
}
