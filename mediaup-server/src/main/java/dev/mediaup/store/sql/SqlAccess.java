package dev.mediaup.store.sql;

import dev.mediaup.store.AccessStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Tokens, apps and OAuth nonces on SQL. On SQLite (one node) nonces are written as one batch row twice a second
 * instead of a row each: the verifier guards replays from memory meanwhile, and a batch costs one insert.
 */
final class SqlAccess implements AccessStore {
    private static final JsonMapper NONCES = JsonMapper.builder().build();
    private static final long NONCE_FLUSH_NANOS = 500_000_000L;

    private final SqlDatabase db;
    /** OAuth nonces waiting to be written: they ride along with the writer's next batch when due. */
    private final ConcurrentLinkedQueue<Object[]> pendingNonces = new ConcurrentLinkedQueue<>();
    private long lastNonceFlush; // writer thread only

    SqlAccess(SqlDatabase db) {
        this.db = db;
        if (!db.postgres) db.addPeriodic(this::nonceBatch);
    }

    private static final RowMapper<Token> TOKEN = (rs, ctx) -> new Token(rs.getString("token_id"), rs.getString("kind"),
            rs.getString("user_id"), rs.getString("app_key"), List.of(rs.getString("scopes").split(" ")), rs.getLong("created_at"),
            Rows.nLong(rs, "expires_at"), rs.getBoolean("revoked"));

    @Override
    public void createToken(String tokenHash, String kind, String userId, String appKey, List<String> scopes, long now, Long expiresAt) {
        db.write(h -> h.createUpdate("""
                INSERT INTO tokens (token_hash, token_id, kind, user_id, app_key, scopes, created_at, expires_at)
                VALUES (:h, :id, :k, :u, :a, :s, :c, :e)""")
                .bind("h", tokenHash).bind("id", tokenHash.substring(0, 12)).bind("k", kind).bind("u", userId == null ? "" : userId)
                .bind("a", appKey).bind("s", String.join(" ", scopes)).bind("c", now).bind("e", expiresAt).execute());
    }

    @Override
    public Optional<Token> findToken(String tokenHash) {
        return db.jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens WHERE token_hash = :h").bind("h",
                tokenHash).map(TOKEN).findOne());
    }

    @Override
    public List<Token> listTokens() {
        return db.jdbi.withHandle(h -> h.createQuery("SELECT * FROM tokens ORDER BY created_at").map(TOKEN).list());
    }

    @Override
    public int revokeToken(String id) {
        return db.write(h -> h.createUpdate("UPDATE tokens SET revoked = TRUE WHERE token_id = :t").bind("t", id).execute()
                + h.createUpdate("UPDATE oauth1_tokens SET revoked = TRUE WHERE token = :t").bind("t", id).execute());
    }

    @Override
    public void createApp(App app, long now) {
        db.write(h -> h.createUpdate("INSERT INTO apps (consumer_key, consumer_secret, name, created_at) VALUES (:k, :s, :n, :c)")
                .bind("k", app.consumerKey()).bind("s", app.consumerSecret()).bind("n", app.name()).bind("c", now).execute());
    }

    @Override
    public Optional<App> findApp(String consumerKey) {
        return db.jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps WHERE consumer_key = :k").bind("k", consumerKey)
                .map((rs, ctx) -> new App(rs.getString("consumer_key"), rs.getString("consumer_secret"), rs.getString("name"),
                        rs.getBoolean("revoked"))).findOne());
    }

    @Override
    public void createOAuth1Token(OAuth1Token t, long now) {
        db.write(h -> h.createUpdate("""
                INSERT INTO oauth1_tokens (token, token_secret, consumer_key, user_id, scopes, created_at)
                VALUES (:t, :s, :k, :u, :sc, :c)""")
                .bind("t", t.token()).bind("s", t.tokenSecret()).bind("k", t.consumerKey()).bind("u", t.userId())
                .bind("sc", String.join(" ", t.scopes())).bind("c", now).execute());
    }

    @Override
    public Optional<OAuth1Token> findOAuth1Token(String token) {
        return db.jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth1_tokens WHERE token = :t").bind("t", token)
                .map((rs, ctx) -> new OAuth1Token(rs.getString("token"), rs.getString("token_secret"), rs.getString("consumer_key"),
                        rs.getString("user_id"), List.of(rs.getString("scopes").split(" ")), rs.getBoolean("revoked"))).findOne());
    }

    @Override
    public List<String> recentNonces(long since) {
        return db.jdbi.withHandle(h -> {
            List<String> out = new ArrayList<>(h.createQuery("SELECT consumer_key, nonce, ts FROM oauth_nonces WHERE ts >= :s")
                    .bind("s", since).map((rs, ctx) -> rs.getString(1) + "\n" + rs.getString(2) + "\n" + rs.getLong(3)).list());
            for (String batch : h.createQuery("SELECT nonces FROM oauth_nonce_batches WHERE max_ts >= :s").bind("s", since)
                    .mapTo(String.class).list())
                for (var row : NONCES.readTree(batch)) {
                    long ts = row.get(2).asLong();
                    if (ts >= since) out.add(row.get(0).asString() + "\n" + row.get(1).asString() + "\n" + ts);
                }
            return out;
        });
    }

    @Override
    public boolean recordNonce(String consumerKey, String nonce, long timestamp) {
        if (db.postgres)
            return db.write(h -> h.createUpdate(
                            "INSERT INTO oauth_nonces (consumer_key, nonce, ts) VALUES (:k, :n, :t) ON CONFLICT DO NOTHING")
                    .bind("k", consumerKey).bind("n", nonce).bind("t", timestamp).execute()) == 1;
        pendingNonces.add(new Object[]{consumerKey, nonce, timestamp});
        return true;
    }

    /** The nonces gathered since the last flush, as one row (a JSON array of [consumer, nonce, ts]), when due. */
    private Function<Handle, ?> nonceBatch(boolean closing) {
        if (pendingNonces.isEmpty() || (!closing && System.nanoTime() - lastNonceFlush <= NONCE_FLUSH_NANOS)) return null;
        lastNonceFlush = System.nanoTime();
        List<Object[]> rows = new ArrayList<>();
        for (Object[] r; rows.size() < 50_000 && (r = pendingNonces.poll()) != null; ) rows.add(r);
        long maxTs = rows.stream().mapToLong(r -> (Long) r[2]).max().orElse(0);
        String json = NONCES.writeValueAsString(rows);
        return h -> h.createUpdate("""
                INSERT INTO oauth_nonce_batches (id, max_ts, nonces) SELECT COALESCE(MAX(id), 0) + 1, :m, :n FROM oauth_nonce_batches""")
                .bind("m", maxTs).bind("n", json).execute();
    }

    @Override
    public void purgeNonces(long olderThan) {
        db.write(h -> h.createUpdate("DELETE FROM oauth_nonces WHERE ts < :t").bind("t", olderThan).execute()
                + h.createUpdate("DELETE FROM oauth_nonce_batches WHERE max_ts < :t").bind("t", olderThan).execute());
    }
}
