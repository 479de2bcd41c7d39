package dev.mediaup.store.sql;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/**
 * Statements of the hottest writes (every initialize, every append) and reads (the upload every append, FINALIZE and
 * STATUS looks up) run on statements prepared once per connection ({@link SqlDatabase#prepared}), bound by position.
 * Measured on SQLite: Jdbi's binding by name (argument factories, statement setup, its logger) and SQLite's compiling
 * of a statement prepared again cost more than executing them — an append's six statements took ~0.9 ms of its ~4 ms,
 * all of it waiting in the writer's queue for the next append. Arguments are never null here (a null needs its SQL
 * type on PostgreSQL): the callers' statements have none.
 */
final class Prepared {
    private Prepared() {}

    /** A row of a query, read from the result set positioned on it. */
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static int update(SqlDatabase db, Handle h, String sql, Object... args) {
        try {
            return bind(db, h, sql, args).executeUpdate();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    static <T> Optional<T> first(SqlDatabase db, Handle h, String sql, Row<T> row, Object... args) {
        try (ResultSet rs = bind(db, h, sql, args).executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static PreparedStatement bind(SqlDatabase db, Handle h, String sql, Object[] args) throws SQLException {
        PreparedStatement ps = db.prepared(h, sql);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case String s -> ps.setString(i + 1, s);
                case null -> ps.setNull(i + 1, Types.VARCHAR); // text not known yet: a segment's SHA-256 before anything asked
                default -> throw new IllegalArgumentException("unsupported argument " + args[i]);
            }
        }
        return ps;
    }
}
