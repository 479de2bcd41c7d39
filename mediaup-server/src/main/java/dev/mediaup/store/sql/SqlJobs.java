package dev.mediaup.store.sql;

import dev.mediaup.store.JobStore;

import java.util.Optional;
import java.util.OptionalLong;

/** Jobs on SQL: claimed with {@code SKIP LOCKED} on PostgreSQL, so nodes polling at once take different jobs. */
final class SqlJobs implements JobStore {
    private final SqlDatabase db;

    SqlJobs(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<Job> claim(String owner, long now, long leaseUntil) {
        return db.write(h -> {
            Optional<Job> job = h.createQuery("""
                    SELECT upload_id, kind, attempts FROM jobs
                    WHERE (state = 'QUEUED' AND run_after <= :now) OR (state = 'RUNNING' AND lease_until <= :now)
                    ORDER BY run_after LIMIT 1""" + db.skipLocked)
                    .bind("now", now)
                    .map((rs, ctx) -> new Job(rs.getLong("upload_id"), rs.getString("kind"), rs.getInt("attempts") + 1)).findOne();
            job.ifPresent(j -> h.createUpdate("""
                    UPDATE jobs SET state = 'RUNNING', attempts = :a, lease_owner = :o, lease_until = :l
                    WHERE upload_id = :u AND kind = :k""")
                    .bind("a", j.attempts()).bind("o", owner).bind("l", leaseUntil).bind("u", j.uploadId()).bind("k", j.kind()).execute());
            return job;
        });
    }

    @Override
    public void extendLease(Job job, String owner, long leaseUntil) {
        db.write(h -> h.createUpdate("""
                UPDATE jobs SET lease_until = :l WHERE upload_id = :u AND kind = :k AND lease_owner = :o AND state = 'RUNNING'""")
                .bind("l", leaseUntil).bind("u", job.uploadId()).bind("k", job.kind()).bind("o", owner).execute());
    }

    @Override
    public void complete(Job job) {
        db.write(h -> h.createUpdate("""
                UPDATE jobs SET state = 'DONE', lease_owner = NULL, lease_until = NULL WHERE upload_id = :u AND kind = :k""")
                .bind("u", job.uploadId()).bind("k", job.kind()).execute());
    }

    @Override
    public void postpone(Job job, long runAfter, String reason) {
        db.write(h -> h.createUpdate("""
                UPDATE jobs SET state = 'QUEUED', run_after = :r, attempts = :a, lease_owner = NULL, lease_until = NULL, last_error = :e
                WHERE upload_id = :u AND kind = :k""")
                .bind("r", runAfter).bind("a", job.attempts() - 1).bind("e", reason)
                .bind("u", job.uploadId()).bind("k", job.kind()).execute());
    }

    @Override
    public void retry(Job job, Long runAfter, String error) {
        db.write(h -> h.createUpdate("""
                UPDATE jobs SET state = :s, run_after = COALESCE(:r, run_after), lease_owner = NULL, lease_until = NULL, last_error = :e
                WHERE upload_id = :u AND kind = :k""")
                .bind("s", runAfter == null ? "FAILED" : "QUEUED").bind("r", runAfter).bind("e", error)
                .bind("u", job.uploadId()).bind("k", job.kind()).execute());
    }

    @Override
    public OptionalLong longestWait(long now) {
        Long since = db.read(h -> h.createQuery("""
                        SELECT MIN(CASE WHEN state = 'QUEUED' THEN run_after ELSE lease_until END) FROM jobs
                        WHERE (state = 'QUEUED' AND run_after <= :now) OR (state = 'RUNNING' AND lease_until <= :now)""")
                .bind("now", now).mapTo(Long.class).one()); // one row: MIN of none is NULL
        return since == null ? OptionalLong.empty() : OptionalLong.of(now - since);
    }
}
