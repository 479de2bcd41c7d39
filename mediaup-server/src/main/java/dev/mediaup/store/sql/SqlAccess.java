package dev.mediaup.store.sql;

import dev.mediaup.core.Credential;
import dev.mediaup.store.AccessStore;
import dev.mediaup.store.NonceStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Tokens, apps and OAuth nonces on SQL. On SQLite (one node) the nonces of all requests that reach the writer together
 * become one batch row, committed before any of those requests is answered: a batch costs one insert, and a request
 * answered 200 cannot be replayed after a crash (its nonce is durable), which a timed flush could not promise.
 */
final class SqlAccess implements AccessStore, NonceStore {
    private static final JsonMapper NONCES = JsonMapper.builder().build();

    private final SqlDatabase db;
    /** OAuth nonces waiting to be written by the next write that drains them (see {@link #recordNonce}). */
    private final ConcurrentLinkedQueue<Object[]> pendingNonces = new ConcurrentLinkedQueue<>();

    SqlAccess(SqlDatabase db) {
        this.db = db;
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
        return db.read(h -> h.createQuery("SELECT * FROM tokens WHERE token_hash = :h").bind("h",
                tokenHash).map(TOKEN).findOne());
    }

    @Override
    public List<Token> listTokens() {
        return db.read(h -> h.createQuery("SELECT * FROM tokens ORDER BY created_at").map(TOKEN).list());
    }

    @Override
    public int revokeToken(String id) {
        return db.write(h -> {
            int n = h.createUpdate("UPDATE tokens SET revoked = TRUE WHERE token_id = :t").bind("t", id).execute()
                    + h.createUpdate("UPDATE oauth1_tokens SET revoked = TRUE WHERE token = :t").bind("t", id).execute();
            // the grants the token made go with it, in the same transaction: none outlives its maker
            h.createUpdate("""
                    UPDATE upload_grants SET revoked = TRUE, revoked_reason = 'token_revoked'
                    WHERE credential IN (:token, :oauth1) AND NOT revoked""")
                    .bind("token", Credential.token(id, null).id()).bind("oauth1", Credential.oauth1(id).id()).execute();
            return n;
        });
    }

    @Override
    public void createApp(App app, long now) {
        db.write(h -> h.createUpdate("INSERT INTO apps (consumer_key, consumer_secret, name, created_at) VALUES (:k, :s, :n, :c)")
                .bind("k", app.consumerKey()).bind("s", app.consumerSecret()).bind("n", app.name()).bind("c", now).execute());
    }

    private static final RowMapper<App> APP = (rs, ctx) -> new App(rs.getString("consumer_key"), rs.getString("consumer_secret"),
            rs.getString("name"), rs.getBoolean("revoked"));

    @Override
    public Optional<App> findApp(String consumerKey) {
        return db.read(h -> h.createQuery("SELECT * FROM apps WHERE consumer_key = :k").bind("k", consumerKey).map(APP).findOne());
    }

    @Override
    public List<App> listApps() {
        return db.read(h -> h.createQuery("SELECT * FROM apps ORDER BY created_at, consumer_key").map(APP).list());
    }

    @Override
    public boolean revokeApp(String consumerKey) {
        return db.write(h -> {
            int n = h.createUpdate("UPDATE apps SET revoked = TRUE WHERE consumer_key = :k").bind("k", consumerKey).execute();
            h.createUpdate("UPDATE tokens SET revoked = TRUE WHERE kind = 'app' AND app_key = :k").bind("k", consumerKey).execute();
            h.createUpdate("UPDATE oauth1_tokens SET revoked = TRUE WHERE consumer_key = :k").bind("k", consumerKey).execute();
            h.createUpdate("UPDATE upload_grants SET revoked = TRUE, revoked_reason = 'app_revoked' WHERE app_id = :k AND NOT revoked")
                    .bind("k", consumerKey).execute();
            return n > 0;
        });
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
        return db.read(h -> h.createQuery("SELECT * FROM oauth1_tokens WHERE token = :t").bind("t", token)
                .map((rs, ctx) -> new OAuth1Token(rs.getString("token"), rs.getString("token_secret"), rs.getString("consumer_key"),
                        rs.getString("user_id"), List.of(rs.getString("scopes").split(" ")), rs.getBoolean("revoked"))).findOne());
    }

    @Override
    public List<String> recentNonces(long since) {
        return db.read(h -> {
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
        // the nonce is queued before this request's write: whichever write drains the queue first (this one, or one of
        // the same or an earlier batch) carries it, and this request returns only once its own write has committed
        pendingNonces.add(new Object[]{consumerKey, nonce, timestamp});
        db.write(this::writePendingNonces);
        return true;
    }

    /** The nonces queued so far as one row (a JSON array of [consumer, nonce, ts]); nothing when none are left. */
    private int writePendingNonces(Handle h) {
        List<Object[]> rows = new ArrayList<>();
        for (Object[] r; rows.size() < 50_000 && (r = pendingNonces.poll()) != null; ) rows.add(r);
        if (rows.isEmpty()) return 0;
        long maxTs = rows.stream().mapToLong(r -> (Long) r[2]).max().orElse(0);
        try {
            return h.createUpdate("""
                    INSERT INTO oauth_nonce_batches (id, max_ts, nonces)
                    SELECT COALESCE(MAX(id), 0) + 1, :m, :n FROM oauth_nonce_batches""")
                    .bind("m", maxTs).bind("n", NONCES.writeValueAsString(rows)).execute();
        } catch (RuntimeException e) {
            pendingNonces.addAll(rows); // not written: the next write takes them (their own requests' writes fail or follow)
            throw e;
        }
    }

    @Override
    public void purgeNonces(long olderThan) {
        db.write(h -> h.createUpdate("DELETE FROM oauth_nonces WHERE ts < :t").bind("t", olderThan).execute()
                + h.createUpdate("DELETE FROM oauth_nonce_batches WHERE max_ts < :t").bind("t", olderThan).execute());
    }
}
