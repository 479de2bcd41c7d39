package dev.mediaup.processing;

import dev.mediaup.config.ProcessingConfig;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.store.JobStore.Job;
import dev.mediaup.store.JobStore;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.UploadWrites;
import dev.mediaup.upload.Outcomes;
import dev.mediaup.upload.Processor;
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
import java.util.function.LongSupplier;

/**
 * The pool of processing workers on the durable job queue. Jobs are rows; a worker claims one by writing a lease, keeps the lease fresh
 * while
 * it works, and a job whose worker died (kill -9, lost node) becomes claimable again when its lease runs out. So a
 * restarted server, or any other node, finishes what was started. Processors must therefore be idempotent.
 */
public final class JobWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);

    private final JobStore jobs;
    private final UploadReads reads;
    private final UploadWrites writes;
    private final Processing processing;
    private final Outcomes outcomes;
    private final LongSupplier clock;
    private final int maxAttempts;
    private final String owner = "node-" + UUID.randomUUID();
    private final long leaseSecs;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    private final Object wake = new Object();
    private final MeterRegistry metrics;
    /** A job that cannot run because ffmpeg cannot (see {@link Ffmpeg.NotRunnable}) tries again this often... */
    static final long ENVIRONMENT_RETRY_SECS = 10;
    /** ...for at most this long after its upload began. */
    static final long ENVIRONMENT_WAIT_SECS = 24 * 3600;
    private volatile boolean running = true;

    public JobWorkers(JobStore jobs, UploadReads reads, UploadWrites writes, Processing processing,
            Outcomes outcomes, LongSupplier epochSeconds,
                      ProcessingConfig config, MeterRegistry metrics) {
        this.processing = processing;
        this.outcomes = outcomes;
        this.clock = epochSeconds;
        this.maxAttempts = config.maxJobAttempts();
        this.jobs = jobs;
        this.reads = reads;
        this.writes = writes;
        this.leaseSecs = config.lease().toSeconds();
        this.metrics = metrics;
        for (int i = 0; i < config.workers(); i++)
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
                long now = clock.getAsLong();
                var job = jobs.claim(owner, now, now + leaseSecs);
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
                jobs.extendLease(job, owner, clock.getAsLong() + leaseSecs);
            } catch (RuntimeException e) {
                log.warn("lease renewal failed for {}: {}", job, e.toString());
            }
        }, leaseSecs / 3, Math.max(1, leaseSecs / 3), TimeUnit.SECONDS);
        long started = System.nanoTime();
        try {
            Failpoint.JOB_AFTER_CLAIM.hit();
            process(job);
            Failpoint.JOB_BEFORE_COMPLETE.hit();
            jobs.complete(job);
            metrics.timer("mediaup.jobs", "kind", job.kind(), "outcome", "done").record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } catch (Ffmpeg.NotRunnable | Clamd.Down e) {
            // the machine's fault, not the media's: burning the attempts would fail every video in half a minute. Wait
            // (the job is re-run every ENVIRONMENT_RETRY_SECS without counting) while the upload is younger than a
            // day; after that it is an ordinary failure, so nothing waits forever
            Upload u = reads.find(job.uploadId()).orElse(null);
            if (u != null && clock.getAsLong() - u.createdAt() < ENVIRONMENT_WAIT_SECS) {
                log.warn("job {} waits for processing to be able to run ({} s): {}", job, ENVIRONMENT_RETRY_SECS, e.getMessage());
                jobs.postpone(job, clock.getAsLong() + ENVIRONMENT_RETRY_SECS, e.getMessage());
                metrics.counter("mediaup.jobs.postponed", "kind", job.kind()).increment();
            } else {
                failed(job, e);
            }
        } catch (Exception e) {
            failed(job, e);
        } finally {
            renew.cancel(false);
        }
    }

    private void failed(Job job, Exception e) {
        boolean last = job.attempts() >= maxAttempts;
        log.warn("job {} attempt {} failed{}: {}", job, job.attempts(), last ? " for good" : "", e.toString());
        if (last) outcomes.recordGivenUp(job.uploadId(), job.attempts(), e.getMessage());
        jobs.retry(job, last ? null : clock.getAsLong() + (1L << job.attempts()), String.valueOf(e.getMessage()));
        metrics.counter("mediaup.jobs.failures", "kind", job.kind()).increment();
    }

    /**
     * Runs the processor and records its outcome. Progress is written at most once a second, with check_after_secs
     * from the rate actually achieved: the remaining time at that rate, within 1..30 s.
     */
    private void process(Job job) throws IOException {
        Upload u = reads.find(job.uploadId()).orElse(null);
        if (u == null || u.state() == State.FAILED) return; // deleted, or already done: idempotent
        List<Segment> segs = reads.stored(u.id()); // the assembled original, if a crashed attempt got that far
        if (u.state() == State.SUCCEEDED) { // a crash came between the result and the job's completion
            outcomes.resumeSucceeded(u, segs);
            return;
        }
        long started = System.nanoTime();
        writes.updateProcessing(u.id(), State.IN_PROGRESS, 0, 2, MediaInfo.NONE, null);
        Failpoint.JOB_AFTER_IN_PROGRESS.hit();
        long[] lastWrite = {System.nanoTime()};
        Processor.Outcome o = processing.queued(u, segs, pct -> {
            long now = System.nanoTime();
            if (pct <= 0 || now - lastWrite[0] < 1_000_000_000L) return;
            lastWrite[0] = now;
            double elapsed = (now - started) / 1e9;
            int eta = (int) Math.ceil(elapsed * (100 - pct) / pct);
            writes.updateProcessing(u.id(), State.IN_PROGRESS, pct, Math.clamp(eta, 1, 30), MediaInfo.NONE, null);
        });
        outcomes.recordQueued(u, segs, o);
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
