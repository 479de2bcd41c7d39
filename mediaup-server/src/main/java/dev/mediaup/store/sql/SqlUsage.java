package dev.mediaup.store.sql;

import dev.mediaup.core.Quota;
import dev.mediaup.core.Refusal;
import dev.mediaup.core.Usage;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Optional;

import static dev.mediaup.store.sql.Rows.addStored;

/** The usage ledger on SQL: bytes uploaded per user and day, bytes stored per user, charged where appends are recorded. */
final class SqlUsage {
    private final SqlDatabase db;

    SqlUsage(SqlDatabase db) {
        this.db = db;
    }

    private static final String USAGE = """
            SELECT COALESCE((SELECT uploaded_bytes FROM usage_daily WHERE user_id = ? AND day = ?), 0),
                COALESCE((SELECT stored_bytes FROM usage_stored WHERE user_id = ?), 0)""";
    private static final String ADD_UPLOADED = """
            INSERT INTO usage_daily (user_id, day, uploaded_bytes) VALUES (?, ?, ?)
            ON CONFLICT (user_id, day) DO UPDATE SET uploaded_bytes = usage_daily.uploaded_bytes + excluded.uploaded_bytes""";

    /** Adds {@code received} to today's upload count and {@code storedDelta} to the stored total, if the quota allows. */
    Optional<Refusal> charge(Handle h, String user, long now, long received, long storedDelta, Quota quota) {
        long day = Quota.epochDay(now);
        long today, stored;
        if (db.postgres && !quota.unlimited()) {
            // exact quotas across nodes: the user's counter rows exist and are locked as they are read
            h.createUpdate("INSERT INTO usage_daily (user_id, day, uploaded_bytes) VALUES (:u, :d, 0) ON CONFLICT DO NOTHING")
                    .bind("u", user).bind("d", day).execute();
            h.createUpdate("INSERT INTO usage_stored (user_id, stored_bytes) VALUES (:u, 0) ON CONFLICT DO NOTHING").bind("u",
                    user).execute();
            stored = h.createQuery("SELECT stored_bytes FROM usage_stored WHERE user_id = :u FOR UPDATE").bind("u", user)
                    .mapTo(Long.class).one();
            today = h.createQuery("SELECT uploaded_bytes FROM usage_daily WHERE user_id = :u AND day = :d FOR UPDATE").bind("u", user)
                    .bind("d", day).mapTo(Long.class).one();
        } else {
            long[] usage = Prepared.first(db, h, USAGE, rs -> new long[]{rs.getLong(1), rs.getLong(2)}, user, day, user).orElseThrow();
            today = usage[0];
            stored = usage[1];
        }
        Optional<Refusal> refusal = quota.refusal(today, stored, received, storedDelta, now);
        if (refusal.isPresent()) return refusal;
        Prepared.update(db, h, ADD_UPLOADED, user, day, received);
        addStored(db, h, user, storedDelta);
        return Optional.empty();
    }

    Usage of(String userId, long epochDay) {
        return db.read(h -> new Usage(userId,
                h.createQuery("SELECT stored_bytes FROM usage_stored WHERE user_id = :u").bind("u", userId).mapTo(Long.class)
                        .findOne().orElse(0L),
                h.createQuery("SELECT uploaded_bytes FROM usage_daily WHERE user_id = :u AND day = :d").bind("u", userId)
                        .bind("d", epochDay).mapTo(Long.class).findOne().orElse(0L)));
    }

    List<Usage> top(long epochDay, int limit) {
        return db.read(h -> h.createQuery("""
                SELECT s.user_id, s.stored_bytes, COALESCE(d.uploaded_bytes, 0) AS today
                FROM usage_stored s LEFT JOIN usage_daily d ON d.user_id = s.user_id AND d.day = :d
                ORDER BY s.stored_bytes DESC, s.user_id LIMIT :n""")
                .bind("d", epochDay).bind("n", limit)
                .map((rs, ctx) -> new Usage(rs.getString("user_id"), rs.getLong("stored_bytes"), rs.getLong("today"))).list());
    }
}
