package dev.mediaup.store;

import dev.mediaup.store.sql.SqlDatabase;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The metadata contract on the embedded default: a SQLite file in WAL mode. */
class SqliteStoresTest extends MetadataStoresContract {
    @TempDir
    Path dir;

    @Override
    protected MetadataStores open() {
        return SqlDatabase.sqlite(dir.resolve("mediaup.db")).stores();
    }

    @Override
    protected boolean shared() {
        return false;
    }
}
