package dev.mediaup.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where mediaup keeps what it knows and the bytes: by default SQLite at {@code DATA_DIR/mediaup.db} and files under
 * {@code DATA_DIR/blobs}; PostgreSQL and an S3-compatible bucket to share them between nodes.
 *
 * @param retention delete finalized media this long after upload; zero keeps it
 */
public record StorageConfig(Path dataDir, Optional<DatabaseUrl> database, Optional<S3Url> blobs, Duration sweepInterval,
                            Duration retention) {

    public static StorageConfig defaults() {
        return new StorageConfig(Path.of("./data"), Optional.empty(), Optional.empty(), Duration.ofSeconds(60), Duration.ZERO);
    }

    /** From the options as given: an absent or blank --db / --blobs means the embedded default. */
    public static StorageConfig of(Path dataDir, String db, String blobs, Duration sweepInterval, Duration retention) {
        return new StorageConfig(dataDir, Optional.ofNullable(db).filter(x -> !x.isBlank()).map(DatabaseUrl::parse),
                Optional.ofNullable(blobs).filter(x -> !x.isBlank()).map(S3Url::parse), sweepInterval, retention);
    }

    public Path sqliteFile() {
        return dataDir.resolve("mediaup.db");
    }

    public Path blobDir() {
        return dataDir.resolve("blobs");
    }

    /** Where an object store spools bodies too large for its memory budget. */
    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    public Path scratchDir() {
        return dataDir.resolve("scratch");
    }

    void validate(Problems p) {
        p.positive(sweepInterval, "--sweep-interval-secs");
        p.nonNegative(retention, "--media-retention-secs");
    }
}
