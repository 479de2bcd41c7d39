package dev.mediaup.store.sql;

import dev.mediaup.core.Category;
import dev.mediaup.core.Failure;
import dev.mediaup.core.Family;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Row mappers and the few statements several role stores share (reading an upload, moving stored bytes). */
final class Rows {
    private Rows() {}

    static final RowMapper<Upload> UPLOAD = (rs, ctx) -> upload(rs);

    static final RowMapper<Segment> SEGMENT = (rs, ctx) -> new Segment(rs.getLong("upload_id"), rs.getInt("idx"), rs.getLong("size"),
            rs.getString("sha256"), rs.getString("blob_key"));

    static final RowMapper<Variant> VARIANT = (rs, ctx) -> new Variant(rs.getLong("media_id"), rs.getString("name"),
            rs.getString("content_type"), rs.getLong("size"), nInt(rs, "width"), nInt(rs, "height"), nInt(rs, "bit_rate"),
            rs.getString("sha256"), rs.getString("blob_key"));

    static Upload upload(ResultSet rs) throws SQLException {
        String owners = rs.getString("additional_owners");
        return new Upload(rs.getLong("id"), rs.getString("owner_id"), rs.getString("media_type"),
                Category.valueOf(rs.getString("category")), Family.valueOf(rs.getString("family")),
                nLong(rs, "total_bytes"), rs.getBoolean("shared"),
                owners.isEmpty() ? List.of() : Arrays.asList(owners.split(",")),
                State.valueOf(rs.getString("state")), rs.getLong("created_at"), rs.getLong("expires_at"),
                nLong(rs, "size"), rs.getInt("progress"),
                new MediaInfo(nInt(rs, "width"), nInt(rs, "height"), rs.getString("image_type"),
                        rs.getString("video_type"), nLong(rs, "duration_ms"), rs.getString("blurhash")),
                rs.getObject("error_code") == null ? null
                        : new Failure(rs.getInt("error_code"), rs.getString("error_name"), rs.getString("error_message")),
                rs.getString("metadata"), rs.getInt("check_after_secs"), rs.getString("grant_id"), nLong(rs, "max_duration_secs"),
                rs.getString("declared_sha256"));
    }

    // sqlite-jdbc's getObject(column, Long.class) fails on NULL; wasNull() works everywhere
    static Long nLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    static Integer nInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static final String FIND = "SELECT * FROM uploads WHERE id = ?";

    /** The upload, on a statement prepared once per connection: every append, FINALIZE and STATUS starts here. */
    static Optional<Upload> find(SqlDatabase db, Handle h, long id) {
        return Prepared.first(db, h, FIND, Rows::upload, id);
    }

    /** The upload, its row locked until the transaction ends (PostgreSQL; SQLite has one writer anyway). */
    static Optional<Upload> locked(SqlDatabase db, Handle h, long id) {
        return Prepared.first(db, h, FIND + db.forUpdate, Rows::upload, id);
    }

    /** Adds {@code delta} (negative: releases) to the owner's stored bytes; on the writer's handle (every append runs it). */
    static void addStored(SqlDatabase db, Handle h, String user, long delta) {
        Prepared.update(db, h, """
                INSERT INTO usage_stored (user_id, stored_bytes) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET stored_bytes = usage_stored.stored_bytes + excluded.stored_bytes""", user, delta);
    }

    private static final String INSERT_UPLOAD = """
            INSERT INTO uploads (id, owner_id, media_type, category, family, total_bytes, shared, additional_owners, state,
                                 created_at, expires_at, progress, grant_id, max_duration_secs, declared_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""";

    /** A new upload's row: the hottest insert of all (every initialize), on a statement prepared once per connection. */
    static void insert(SqlDatabase db, Handle h, Upload u) {
        try {
            PreparedStatement ps = db.prepared(h, INSERT_UPLOAD);
            ps.setLong(1, u.id());
            ps.setString(2, u.ownerId());
            ps.setString(3, u.mediaType());
            ps.setString(4, u.category().name());
            ps.setString(5, u.family().name());
            if (u.totalBytes() == null) ps.setNull(6, Types.BIGINT);
            else ps.setLong(6, u.totalBytes());
            ps.setBoolean(7, u.shared());
            ps.setString(8, String.join(",", u.additionalOwners()));
            ps.setString(9, u.state().name());
            ps.setLong(10, u.createdAt());
            ps.setLong(11, u.expiresAt());
            ps.setString(12, u.grantId());
            if (u.maxDurationSecs() == null) ps.setNull(13, Types.BIGINT);
            else ps.setLong(13, u.maxDurationSecs());
            ps.setString(14, u.declaredSha256());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}
