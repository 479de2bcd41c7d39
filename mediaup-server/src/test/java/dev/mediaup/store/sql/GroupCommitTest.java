package dev.mediaup.store.sql;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jdbi.v3.core.Handle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer's group commit on a real SQLite file: writes queued together commit together, and one that fails is
 * undone alone — its own changes gone, its neighbours' kept, each caller told its own outcome.
 */
class GroupCommitTest {
    @TempDir
    Path dir;
    SqlDatabase db;

    @BeforeEach
    void open() {
        db = SqlDatabase.sqlite(dir.resolve("mediaup.db"));
        db.write(h -> h.execute("CREATE TABLE t (k TEXT PRIMARY KEY)"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aWriteThatFailsInABatchIsUndoneAloneAndItsNeighboursCommit() throws Exception {
        var runs = new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        List<Function<Handle, Integer>> writes = List.of(
                h -> { runs[0].incrementAndGet(); return h.execute("INSERT INTO t VALUES ('a')"); },
                h -> { // changes something, then fails: the change must not survive
                    runs[1].incrementAndGet();
                    h.execute("INSERT INTO t VALUES ('b')");
                    return h.execute("INSERT INTO t VALUES ('a')"); // a primary key already taken, in this very batch
                },
                h -> { runs[2].incrementAndGet(); return h.execute("INSERT INTO t VALUES ('c')"); });

        List<CompletableFuture<Integer>> outcomes = inOneBatch(writes);

        assertThat(outcomes.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThatThrownBy(() -> outcomes.get(1).get(10, TimeUnit.SECONDS)).hasMessageContaining("UNIQUE");
        assertThat(outcomes.get(2).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        List<String> kept = db.read(h -> h.createQuery("SELECT k FROM t ORDER BY k").mapTo(String.class).list());
        assertThat(kept).containsExactly("a", "c");
        // they did share a batch: tried first together without savepoints, then again each in its own
        assertThat(runs[0].get()).isEqualTo(2);
        assertThat(runs[1].get()).isEqualTo(2);
        assertThat(runs[2].get()).isEqualTo(1);
    }

    @Test
    void writesQueuedTogetherRunOnceAndCommitTogether() throws Exception {
        var runs = new AtomicInteger();
        List<Function<Handle, Integer>> writes = List.of(
                h -> { runs.incrementAndGet(); return h.execute("INSERT INTO t VALUES ('x')"); },
                h -> { runs.incrementAndGet(); return h.execute("INSERT INTO t VALUES ('y')"); });

        List<CompletableFuture<Integer>> outcomes = inOneBatch(writes);

        for (var o : outcomes) assertThat(o.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(runs.get()).isEqualTo(2);
        int rows = db.read(h -> h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(2);
    }

    /**
     * Holds the writer in a write of its own until every one of {@code writes} waits in its queue (its caller parked on
     * the outcome), so that all of them go into the next batch, in order.
     */
    private List<CompletableFuture<Integer>> inOneBatch(List<Function<Handle, Integer>> writes) throws Exception {
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var held = CompletableFuture.runAsync(() -> db.write(h -> {
            holding.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        var outcomes = new ArrayList<CompletableFuture<Integer>>();
        for (var w : writes) {
            var outcome = new CompletableFuture<Integer>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    outcome.complete(db.write(w));
                } catch (RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(1); // queued, waiting
            assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
            outcomes.add(outcome);
        }
        release.countDown();
        held.get(10, TimeUnit.SECONDS);
        return outcomes;
    }
}
