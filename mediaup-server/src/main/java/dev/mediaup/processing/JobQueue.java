package dev.mediaup.processing;

import dev.mediaup.store.MetadataStore;
import dev.mediaup.store.MetadataStore.Job;
import dev.mediaup.upload.Media.*;
import dev.mediaup.upload.UploadService;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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

    private final MetadataStore meta;
    private final UploadService uploads;
    private final Processing processing;
    private final int maxAttempts;
    private final String owner = "node-" + UUID.randomUUID();
    private final long leaseSecs;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    private final Object wake = new Object();
    private final MeterRegistry metrics;
    private volatile boolean running = true;

    public JobQueue(MetadataStore meta, UploadService uploads, Processing processing, int workerCount, long leaseSecs, int maxAttempts,
                    MeterRegistry metrics) {
        this.processing = processing;
        this.maxAttempts = maxAttempts;
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
            boolean last = job.attempts() >= maxAttempts;
            log.warn("job {} attempt {} failed{}: {}", job, job.attempts(), last ? " for good" : "", e.toString());
            if (last) {
                meta.updateProcessing(job.uploadId(), State.FAILED, 100, 0, Info.NONE,
                        new Failure(3, "InternalError", "Processing failed after " + job.attempts() + " attempts: " + e.getMessage()));
            }
            meta.retryJob(job, last ? null : uploads.now() + (1L << job.attempts()), String.valueOf(e.getMessage()));
            metrics.counter("mediaup.jobs.failures", "kind", job.kind()).increment();
        } finally {
            renew.cancel(false);
        }
    }

    /**
     * Runs the processor and records its outcome. Progress is written at most once a second, with check_after_secs
     * from the rate actually achieved: the remaining time at that rate, within 1..30 s.
     */
    private void process(Job job) throws IOException {
        Upload u = meta.findUpload(job.uploadId()).orElse(null);
        if (u == null || u.state() == State.FAILED) return; // deleted, or already done: idempotent
        List<Segment> segs = meta.stored(u.id()); // the assembled original, if a crashed attempt got that far
        if (u.state() == State.SUCCEEDED) { // a crash came between the result and the job's completion
            if (!segs.isEmpty() && !processing.keepsOriginals()) uploads.dropOriginal(u.id(), segs);
            return;
        }
        long started = System.nanoTime();
        meta.updateProcessing(u.id(), State.IN_PROGRESS, 0, 2, Info.NONE, null);
        long[] lastWrite = {System.nanoTime()};
        UploadService.Outcome o = processing.queued(u, segs, pct -> {
            long now = System.nanoTime();
            if (pct <= 0 || now - lastWrite[0] < 1_000_000_000L) return;
            lastWrite[0] = now;
            double elapsed = (now - started) / 1e9;
            int eta = (int) Math.ceil(elapsed * (100 - pct) / pct);
            meta.updateProcessing(u.id(), State.IN_PROGRESS, pct, Math.clamp(eta, 1, 30), Info.NONE, null);
        });
        if (o.failure() != null) {
            meta.updateProcessing(u.id(), State.FAILED, 100, 0, o.info(), o.failure());
            return;
        }
        if (!o.replacesOriginal()) uploads.keepOriginal(u.id(), segs);
        meta.updateProcessing(u.id(), State.SUCCEEDED, 100, 0, o.info(), null);
        if (o.replacesOriginal()) uploads.dropOriginal(u.id(), segs);
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
