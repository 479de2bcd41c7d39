package dev.mediaup.boot;

import dev.mediaup.config.CacheDir;
import dev.mediaup.config.DatabaseUrl;
import dev.mediaup.config.S3Url;
import dev.mediaup.config.StorageConfig;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MetadataStores;
import dev.mediaup.store.file.FileBlobStore;
import dev.mediaup.store.s3.S3BlobStore;
import dev.mediaup.store.sql.SqlDatabase;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The only code that knows which stores exist (tusd's composer): SQLite or PostgreSQL for metadata, files or an
 * S3-compatible bucket for bytes, chosen by the storage config. The CLI's admin commands open the same ones.
 */
public final class Backends {
    private Backends() {}

    /** The SQLite file in the data dir by default; PostgreSQL when a database URL is set (several nodes share it). */
    public static MetadataStores metadata(StorageConfig storage) throws IOException {
        if (storage.database().isEmpty()) {
            Files.createDirectories(storage.dataDir());
            SqliteNative.useCopyIn(CacheDir.root());
            return SqlDatabase.sqlite(storage.sqliteFile()).stores();
        }
        DatabaseUrl db = storage.database().get();
        try {
            return SqlDatabase.postgres(db.jdbcUrl(), db.user(), db.password()).stores();
        } catch (RuntimeException e) {
            throw new IOException("cannot use the database " + db + ": " + e.getMessage(), e);
        }
    }

    /** Files under the data dir by default; an S3-compatible bucket when one is set. */
    public static BlobStore blobs(StorageConfig storage) throws IOException {
        if (storage.blobs().isEmpty()) return new FileBlobStore(storage.blobDir());
        S3Url s3 = storage.blobs().get();
        return S3BlobStore.open(new S3BlobStore.Location(s3.bucket(), s3.prefix(), s3.endpoint(), s3.region(), s3.pathStyle(),
                s3.accessKey(), s3.secretKey()), storage.spoolDir());
    }
}
