package dev.mediaup.store;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Durable processing jobs. A job is a row; a worker claims one with a lease and keeps it fresh, so a job whose worker
 * died becomes claimable again when the lease runs out — on this node after a restart, or on any other.
 */
public interface JobStore {

    record Job(long uploadId, String kind, int attempts) {}

    /** The oldest due job, leased to {@code owner} until {@code leaseUntil}; {@code attempts} counts this one. */
    Optional<Job> claim(String owner, long now, long leaseUntil);

    void extendLease(Job job, String owner, long leaseUntil);

    void complete(Job job);

    /**
     * Puts the job back to run at {@code runAfter} without counting this attempt: it could not run for a reason of the
     * machine's (ffmpeg missing a library), not of the media, and will once that is fixed.
     */
    void postpone(Job job, long runAfter, String reason);

    /** Puts the job back for another attempt at {@code runAfter}, or fails it for good when {@code runAfter} is null. */
    void retry(Job job, Long runAfter, String error);

    /**
     * How long the longest-waiting due job has been claimable at {@code now} (since its run_after, or since its
     * worker's lease ran out), in seconds; empty when no job is due. What a node's readiness reports as a stalled queue.
     */
    OptionalLong longestWait(long now);
}
