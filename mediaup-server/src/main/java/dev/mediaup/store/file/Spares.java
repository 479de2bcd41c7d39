package dev.mediaup.store.file;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.nio.file.StandardOpenOption.READ;

/**
 * Empty files made durable ahead of time, by directory, for puts to fill in place. A new file's name is a durable
 * write of its own: a put that creates, renames and fsyncs the directory pays for it on every segment (0.4–0.8 ms of a
 * 1 MiB append on this machine's disk, measured), one filling a spare pays only the fsync of its bytes. Spares are
 * made on a virtual thread in batches (one directory fsync per batch, growing while a directory keeps taking them),
 * handed out once each, and deleted a few minutes after their directory last asked for one.
 *
 * <p>Crash safety is the same as before: a spare's name was durable before it was handed out, and a spare that a crash
 * left empty or half-filled is referenced by no row — the orphan sweep's to remove, like an unrecorded blob always was.
 */
final class Spares {
    private static final Logger log = LoggerFactory.getLogger(Spares.class);
    /**
     * A spare older than this is never handed out, so the orphan sweep (which leaves blobs younger than an hour alone)
     * can never delete a spare while a put fills it; and a directory that asked for none this long drops its spares.
     */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final int FIRST_BATCH = 2, MAX_BATCH = 16;

    private record Spare(String key, long madeAtNanos) {}

    /** One directory's spares: ready ones (each polled exactly once, by a taker or by {@link #drop}), and its next batch. */
    private static final class Dir {
        final ConcurrentLinkedQueue<Spare> ready = new ConcurrentLinkedQueue<>();
        final AtomicBoolean making = new AtomicBoolean();
        volatile int batch = FIRST_BATCH;
    }

    private final Function<String, Path> resolve;
    private final Cache<String, Dir> dirs;
    /** Keys handed out and not yet put: a put of one of these fills the spare instead of creating a file. */
    private final Set<String> handedOut = ConcurrentHashMap.newKeySet();

    Spares(Function<String, Path> resolve) {
        this.resolve = resolve;
        this.dirs = Caffeine.newBuilder().expireAfterAccess(MAX_AGE).scheduler(Scheduler.systemScheduler()).executor(Runnable::run)
                .removalListener((String prefix, Dir d, RemovalCause cause) -> {
                    if (d != null) drop(d);
                }).build();
    }

    /** A ready spare under {@code prefix}, if any; more are made for the next call. */
    Optional<String> take(String prefix, Supplier<String> newKey) {
        Dir d = dirs.get(prefix, p -> new Dir());
        long oldest = System.nanoTime() - MAX_AGE.toNanos();
        Spare s;
        while ((s = d.ready.poll()) != null && s.madeAtNanos() - oldest < 0) deleteQuietly(s.key());
        if (s != null) handedOut.add(s.key());
        if (d.ready.size() <= 1 && d.making.compareAndSet(false, true))
            Thread.ofVirtual().name("spares").start(() -> make(prefix, d, newKey));
        return Optional.ofNullable(s).map(Spare::key);
    }

    /** Whether {@code key} was handed out as a spare and not yet put (and now is being). */
    boolean claim(String key) {
        return !handedOut.isEmpty() && handedOut.remove(key);
    }

    /**
     * The directory is going away (its upload is deleted): its ready spares go with it, after a batch being made for it
     * is done, so none is made after the directory's files are deleted.
     */
    void forget(String prefix) {
        Dir d = dirs.asMap().remove(prefix);
        if (d == null) return;
        long until = System.nanoTime() + 5_000_000_000L; // a batch is a few file creations: never this long
        while (d.making.get() && System.nanoTime() - until < 0) LockSupport.parkNanos(200_000);
        drop(d);
    }

    private void make(String prefix, Dir d, Supplier<String> newKey) {
        List<String> made = new ArrayList<>();
        try {
            Path dir = resolve.apply(prefix);
            ensureDirectory(dir);
            for (int i = 0; i < d.batch; i++) {
                String key = newKey.get();
                Files.createFile(resolve.apply(key));
                made.add(key);
            }
            fsyncDirectory(dir); // the names are durable before any is handed out
            long now = System.nanoTime();
            for (String key : made) d.ready.add(new Spare(key, now));
            made.clear();
            d.batch = Math.min(d.batch * 2, MAX_BATCH);
            // dropped while this batch was made (expired or deleted): nobody will take these
            if (dirs.getIfPresent(prefix) != d) drop(d);
        } catch (IOException | RuntimeException e) {
            log.debug("could not make spare blobs under {}: {}", prefix, e.toString());
            made.forEach(this::deleteQuietly);
        } finally {
            d.making.set(false);
        }
    }

    private void drop(Dir d) {
        Spare s;
        while ((s = d.ready.poll()) != null) deleteQuietly(s.key());
    }

    private void deleteQuietly(String key) {
        try {
            Files.deleteIfExists(resolve.apply(key));
        } catch (IOException e) {
            log.debug("could not delete spare {}: {}", key, e.toString()); // empty and unreferenced: the orphan sweep's
        }
    }

    /** Creates {@code dir} if it is missing, its entry made durable in its parent. */
    static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Files.createDirectories(dir);
        fsyncDirectory(dir.getParent());
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }
}
