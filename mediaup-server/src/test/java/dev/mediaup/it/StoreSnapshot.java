package dev.mediaup.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Everything a refused request could have touched — rows, states, segment sizes, jobs and blobs — as one string. */
public final class StoreSnapshot {
    private StoreSnapshot() {}

    /** Reads the rows through {@code db} (closed here) and lists {@code blobs} (key → size). */
    public static String of(Connection db, Map<String, Long> blobs) throws SQLException {
        StringBuilder s = new StringBuilder();
        try (db; var st = db.createStatement()) {
            for (String q : List.of("SELECT id, state, size, total_bytes, expires_at FROM uploads ORDER BY id",
                    "SELECT upload_id, idx, size, sha256, blob_key FROM segments ORDER BY upload_id, idx",
                    "SELECT upload_id, state FROM jobs ORDER BY upload_id"))
                try (var rs = st.executeQuery(q)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= n; i++) s.append(rs.getString(i)).append('|');
                        s.append('\n');
                    }
                }
        }
        // an empty file is a spare the file store makes ahead, in the background, for an upload's next segment (see
        // store/file/Spares): not a blob until a put fills it; a zero-byte segment a refused request recorded shows in its row
        blobs.forEach((k, size) -> {
            if (size > 0) s.append(k).append(':').append(size).append('\n');
        });
        return s.toString();
    }
}
