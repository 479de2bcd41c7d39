package dev.mediaup.store;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Everything mediaup knows besides the bytes, as one small store per role. Only the wiring ({@code boot}) holds this
 * whole; every consumer receives the one role it uses (the OAuth verifier gets {@link AccessStore}, not jobs).
 *
 * @param sharedDatabase the database every node shares, for state kept beside ours (rate-limit buckets); empty when
 *                       the store serves one node
 */
public record MetadataStores(UploadStore uploads, MediaStore media, ContentStore content, JobStore jobs, AccessStore access,
                             NonceStore nonces, GrantStore grants,
                             WebhookOutbox webhooks,
                             ClusterStore cluster, MetricsStore metrics, Optional<DataSource> sharedDatabase, BooleanSupplier health,
                             Runnable closer) implements AutoCloseable {

    /** Whether the database answers and its writer runs (readiness). */
    public boolean healthy() {
        return health.getAsBoolean();
    }

    @Override
    public void close() {
        closer.run();
    }
}
