package dev.mediaup.store.sql;

import dev.mediaup.core.Failure;
import dev.mediaup.core.State;
import dev.mediaup.store.WebhookOutbox;
import org.jdbi.v3.core.Handle;

import java.util.List;

/** The webhook outbox on SQL; {@link SqlUploads} queues into it inside the transaction that ends processing. */
final class SqlOutbox implements WebhookOutbox {
    private final SqlDatabase db;
    private volatile List<String> targets = List.of();

    SqlOutbox(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public void targets(List<String> urls) {
        targets = List.copyOf(urls);
    }

    /**
     * A terminal state queues one event per target — {@code rejected} for bytes refused for what they carry, else the
     * state's name; a repeated transition (a retried job) queues nothing new.
     */
    void queue(Handle h, long id, State state, Failure failure, long now) {
        if (!state.terminal()) return;
        String event = failure != null && failure.rejected() ? "rejected" : state.wire();
        for (String url : targets)
            h.createUpdate("""
                    INSERT INTO webhook_outbox (media_id, event, url, created_at, attempts, next_attempt_at)
                    VALUES (:m, :e, :u, :now, 0, :now)
                    ON CONFLICT DO NOTHING""")
                    .bind("m", id).bind("e", event).bind("u", url).bind("now", now).execute();
    }

    @Override
    public List<WebhookEvent> claim(long now, long claimSecs, int limit) {
        return db.write(h -> {
            List<WebhookEvent> due = h.createQuery("""
                    SELECT media_id, event, url, attempts FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= :now
                    ORDER BY next_attempt_at LIMIT :l""")
                    .bind("now", now).bind("l", limit)
                    .map((rs, ctx) -> new WebhookEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
            for (WebhookEvent e : due)
                h.createUpdate("UPDATE webhook_outbox SET next_attempt_at = :n WHERE media_id = :m AND event = :e AND url = :u")
                        .bind("n", now + claimSecs).bind("m", e.mediaId()).bind("e", e.event()).bind("u", e.url()).execute();
            return due;
        });
    }

    @Override
    public void attempted(WebhookEvent e, long now, Long runAfter, String error) {
        db.write(h -> h.createUpdate("""
                UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = :d, next_attempt_at = COALESCE(:r, next_attempt_at),
                    last_error = :err WHERE media_id = :m AND event = :e AND url = :u""")
                .bind("d", runAfter == null ? now : null).bind("r", runAfter).bind("err", error)
                .bind("m", e.mediaId()).bind("e", e.event()).bind("u", e.url()).execute());
    }

    @Override
    public void purge(long before) {
        db.write(h -> h.createUpdate("DELETE FROM webhook_outbox WHERE delivered_at < :t").bind("t", before).execute());
    }
}
