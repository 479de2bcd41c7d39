package dev.mediaup.store.sql;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** What a JDBC failure means for the writer and the readers: a busy pool, a lost connection, or a write to run again. */
final class SqlFailures {
    private SqlFailures() {}

    /** Hikari timed out waiting for a free connection without any connection failing (it would be the cause). */
    static boolean poolBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SQLTransientConnectionException) return t.getCause() == null;
        return false;
    }

    /** The failure is the connection's (refused, reset, timed out, server shutting down), not the statement's. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof EOFException) return true;
            if (t instanceof SQLException se && se.getSQLState() != null
                    && (se.getSQLState().startsWith("08") || se.getSQLState().startsWith("57P"))) return true;
        }
        return false;
    }

    /** PostgreSQL chose this statement as a deadlock victim or serialization failure: safe to run again. */
    static boolean deadlocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SQLException se && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState()))) return true;
        return false;
    }
}
