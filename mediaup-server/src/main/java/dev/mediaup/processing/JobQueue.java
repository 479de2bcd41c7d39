package dev.mediaup.processing;

import dev.mediaup.store.MetadataStore;
import dev.mediaup.store.MetadataStore.Job;
import dev.mediaup.upload.Media.*;
import dev.mediaup.upload.Sniffer;
import dev.mediaup.upload.UploadService;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The durable job queue's workers. Jobs are rows; a worker claims one by writing a lease, keeps the lease fresh while
 * it works, and a job whose worker died (kill -9, lost node) becomes claimable again when its lease runs out. So a
 * restarted server, or any other node, finishes what was started. Processors must therefore be idempotent.
 */
public final class JobQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    private static final int MAX_ATTEMPTS = 5;

    private final MetadataStore meta;
    private final UploadService uploads;
    private final String owner = "node-" + UUID.randomUUID();
    private final long leaseSecs;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    private final Object wake = new Object();
    private final MeterRegistry metrics;
    private volatile boolean running = true;

    public JobQueue(MetadataStore meta, UploadService uploads, int workerCount, long leaseSecs, MeterRegistry metrics) {
        this.meta = meta;
        this.uploads = uploads;
        this.leaseSecs = leaseSecs;
        this.metrics = metrics;
        for (int i = 0; i < workerCount; i++)
            workers.add(Thread.ofPlatform().name("mediaup-worker-" + i).daemon().start(this::loop));
    }

    /** Called after a finalize enqueued a job, so workers need not wait for their next poll. */
    public void nudge() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            try {
                long now = uploads.now();
                var job = meta.claimJob(owner, now, now + leaseSecs);
                if (job.isPresent()) {
                    run(job.get());
                    continue;
                }
            } catch (RuntimeException e) {
                log.warn("job queue poll failed: {}", e.toString());
            }
            synchronized (wake) {
                try {
                    wake.wait(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void run(Job job) {
        var renew = leases.scheduleAtFixedRate(() -> {
            try {
                meta.extendLease(job, owner, uploads.now() + leaseSecs);
            } catch (RuntimeException e) {
                log.warn("lease renewal failed for {}: {}", job, e.toString());
            }
        }, leaseSecs / 3, Math.max(1, leaseSecs / 3), TimeUnit.SECONDS);
        long started = System.nanoTime();
        try {
            process(job);
            meta.completeJob(job);
            metrics.timer("mediaup.jobs", "kind", job.kind(), "outcome", "done").record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            boolean last = job.attempts() >= MAX_ATTEMPTS;
            log.warn("job {} attempt {} failed{}: {}", job, job.attempts(), last ? " for good" : "", e.toString());
            if (last) {
                meta.updateProcessing(job.uploadId(), State.FAILED, 100, Info.NONE,
                        new Failure(3, "InternalError", "Processing failed after " + job.attempts() + " attempts."));
            }
            meta.retryJob(job, last ? null : uploads.now() + (1L << job.attempts()), String.valueOf(e.getMessage()));
            metrics.counter("mediaup.jobs.failures", "kind", job.kind()).increment();
        } finally {
            renew.cancel(false);
        }
    }

    /**
     * Validation and probing only (transcoding is a later processor): read every byte of the media in order, so a
     * missing or unreadable segment fails here rather than at delivery, and report progress from the bytes actually read.
     */
    private void process(Job job) throws IOException {
        Upload u = meta.findUpload(job.uploadId()).orElse(null);
        if (u == null || u.state() == State.SUCCEEDED || u.state() == State.FAILED) return; // already done: idempotent
        List<Segment> segs = meta.segments(u.id());
        long total = segs.stream().mapToLong(Segment::size).sum();
        meta.updateProcessing(u.id(), State.IN_PROGRESS, 0, Info.NONE, null);
        byte[] buf = new byte[1 << 20];
        long read = 0;
        int reported = 0;
        byte[] head = null;
        try (InputStream in = uploads.content(segs)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (head == null) head = java.util.Arrays.copyOf(buf, Math.min(n, Sniffer.PREFIX));
                read += n;
                int pct = total == 0 ? 99 : (int) Math.min(99, read * 100 / total);
                if (pct >= reported + 10) {
                    meta.updateProcessing(u.id(), State.IN_PROGRESS, pct, Info.NONE, null);
                    reported = pct;
                }
            }
        }
        if (read != total) throw new IOException("read " + read + " of " + total + " bytes");
        String type = Sniffer.detect(head == null ? new byte[0] : head);
        Info info = u.family() == Family.GIF ? new Info(u.info().width(), u.info().height(), "image/gif", null, null)
                : new Info(null, null, null, type, null);
        meta.updateProcessing(u.id(), State.SUCCEEDED, 100, info, null);
    }

    @Override
    public void close() {
        running = false;
        nudge();
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leases.shutdownNow();
    }
}
