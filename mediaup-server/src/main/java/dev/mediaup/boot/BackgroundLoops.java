package dev.mediaup.boot;

import dev.mediaup.media.MediaService;
import dev.mediaup.store.NonceStore;
import dev.mediaup.store.ClusterStore;
import dev.mediaup.store.WebhookOutbox;
import dev.mediaup.upload.Ids;
import dev.mediaup.upload.Sweeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What a node does besides answering requests, on one scheduler thread: the sweep (expired sessions, retention,
 * now and then orphans; old nonces and delivered webhooks), flushing delivery counters, and keeping this node's
 * snowflake id leased. Each loop survives its own failures: a database hiccup costs one round, not the loop.
 */
final class BackgroundLoops implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundLoops.class);
    static final long NODE_LEASE_SECS = 60;
    /** Orphaned blobs are rare (a crash between fsync and commit): look for them every 60th sweep. */
    private static final int ORPHAN_SWEEP_EVERY = 60;

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("mediaup-background").factory());

    /** Leases a node id for {@code owner}, retrying when another node raced for the same new id. */
    static int leaseNodeId(ClusterStore cluster, String owner, long now) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                var id = cluster.leaseNode(owner, now, now + NODE_LEASE_SECS);
                if (id.isPresent()) return id.getAsInt();
                throw new IOException("all 1024 node ids are leased: too many nodes on one database");
            } catch (RuntimeException raced) { // another node took the same new id at the same moment
                log.debug("node id lease raced: {}", raced.toString());
            }
        }
        throw new IOException("could not lease a node id");
    }

    void sweeps(Sweeper sweeper, NonceStore nonces, WebhookOutbox outbox, LongSupplier clock, Duration every, Duration oauthWindow) {
        var rounds = new AtomicLong();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                var swept = sweeper.sweep(rounds.incrementAndGet() % ORPHAN_SWEEP_EVERY == 0);
                if (swept.any()) log.info("sweep: {}", swept);
                nonces.purgeNonces(clock.getAsLong() - 2 * oauthWindow.toSeconds()); // older ones fail the timestamp check anyway
                outbox.purge(clock.getAsLong() - 7 * 86_400);
            } catch (RuntimeException e) {
                log.warn("sweep failed: {}", e.toString());
            }
        }, 1, every.toSeconds(), TimeUnit.SECONDS);
    }

    void deliveryCounts(MediaService media) {
        scheduler.scheduleWithFixedDelay(media::flushCounts, 2, 2, TimeUnit.SECONDS);
    }

    /** Keeps this node's snowflake id; if the lease was lost (a long pause), takes another one so ids stay unique. */
    void nodeLease(ClusterStore cluster, Ids ids, String owner, LongSupplier clock) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                long now = clock.getAsLong();
                if (!cluster.renewNode(ids.node(), owner, now + NODE_LEASE_SECS)) {
                    log.warn("node id lease {} was lost; leasing another", ids.node());
                    ids.node(leaseNodeId(cluster, owner, now));
                }
            } catch (RuntimeException | IOException e) {
                log.warn("node id lease renewal failed: {}", e.toString());
            }
        }, NODE_LEASE_SECS / 3, NODE_LEASE_SECS / 3, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
