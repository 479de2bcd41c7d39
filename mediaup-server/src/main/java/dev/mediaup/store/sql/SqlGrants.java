package dev.mediaup.store.sql;

import dev.mediaup.core.Category;
import dev.mediaup.core.Credential;
import dev.mediaup.core.Grant;
import dev.mediaup.store.GrantStore;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Upload grants on SQL; lists are stored comma-separated (types, origins and user ids never contain commas). */
final class SqlGrants implements GrantStore {
    private final SqlDatabase db;

    SqlGrants(SqlDatabase db) {
        this.db = db;
    }

    private static List<String> list(String csv) {
        return csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }

    private static final RowMapper<Grant> GRANT = (rs, ctx) -> new Grant(rs.getString("id"), rs.getString("user_id"),
            rs.getString("app_id"), Category.valueOf(rs.getString("category")), list(rs.getString("media_types")),
            Rows.nLong(rs, "max_bytes"), Rows.nLong(rs, "max_duration_secs"), rs.getInt("uploads"), rs.getInt("used"),
            rs.getLong("created_at"), rs.getLong("expires_at"), list(rs.getString("allowed_origins")), rs.getBoolean("shared"),
            list(rs.getString("additional_owners")), credential(rs.getString("credential"), Rows.nLong(rs, "credential_expires_at")),
            !rs.getBoolean("revoked") ? null : Objects.requireNonNullElse(rs.getString("revoked_reason"), Grant.Revoked.USER.wire()));

    private static Credential credential(String id, Long expiresAt) {
        return id == null ? null : new Credential(id, expiresAt);
    }

    @Override
    public void create(Grant g, String tokenHash) {
        db.write(h -> h.createUpdate("""
                INSERT INTO upload_grants (id, token_hash, user_id, app_id, category, media_types, max_bytes, max_duration_secs,
                                           uploads, used, created_at, expires_at, allowed_origins, shared, additional_owners,
                                           credential, credential_expires_at)
                VALUES (:id, :hash, :user, :app, :category, :types, :maxBytes, :maxDuration, :uploads, 0, :created, :expires,
                        :origins, :shared, :owners, :credential, :credentialExpires)""")
                .bind("id", g.id()).bind("hash", tokenHash).bind("user", g.userId()).bind("app", g.appId())
                .bind("category", g.category().name()).bind("types", String.join(",", g.mediaTypes())).bind("maxBytes", g.maxBytes())
                .bind("maxDuration", g.maxDurationSecs()).bind("uploads", g.uploads()).bind("created", g.createdAt())
                .bind("expires", g.expiresAt()).bind("origins", String.join(",", g.allowedOrigins())).bind("shared", g.shared())
                .bind("owners", String.join(",", g.additionalOwners()))
                .bind("credential", g.credential() == null ? null : g.credential().id())
                .bind("credentialExpires", g.credential() == null ? null : g.credential().expiresAt()).execute());
    }

    @Override
    public Optional<Grant> findByTokenHash(String tokenHash) {
        return db.read(h -> h.createQuery("SELECT * FROM upload_grants WHERE token_hash = :h").bind("h", tokenHash).map(GRANT).findOne());
    }

    @Override
    public Optional<Grant> find(String id) {
        return db.read(h -> h.createQuery("SELECT * FROM upload_grants WHERE id = :id").bind("id", id).map(GRANT).findOne());
    }

    @Override
    public List<Grant> ownedBy(String userId, int limit) {
        return db.read(h -> h.createQuery("SELECT * FROM upload_grants WHERE user_id = :u ORDER BY created_at DESC, id DESC LIMIT :n")
                .bind("u", userId).bind("n", limit).map(GRANT).list());
    }

    @Override
    public boolean revoke(String id, String userId) {
        return db.write(h -> h.createUpdate("""
                        UPDATE upload_grants SET revoked = TRUE, revoked_reason = COALESCE(revoked_reason, 'user')
                        WHERE id = :id AND user_id = :u""")
                .bind("id", id).bind("u", userId).execute()) > 0;
    }

    @Override
    public List<Grant> all(int limit) {
        return db.read(h -> h.createQuery("SELECT * FROM upload_grants ORDER BY created_at DESC, id DESC LIMIT :n").bind("n", limit)
                .map(GRANT).list());
    }

    @Override
    public boolean revokeAny(String id) {
        return db.write(h -> h.createUpdate("""
                UPDATE upload_grants SET revoked = TRUE, revoked_reason = COALESCE(revoked_reason, 'admin') WHERE id = :id""")
                .bind("id", id).execute()) > 0;
    }
}
