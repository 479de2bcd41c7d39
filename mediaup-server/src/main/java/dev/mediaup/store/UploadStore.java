package dev.mediaup.store;

/**
 * Uploads and their segments, and the byte usage they cost their owners, as one store for the wiring ({@code boot})
 * and the backends that implement it. Consumers never receive this whole: each gets the roles it uses — reads, writes,
 * the usage ledger, retention, the segments' digests — so a live-status watcher cannot finalize and a listing cannot delete.
 */
public interface UploadStore extends UploadReads, UploadWrites, UsageLedger, UploadRetention, SegmentDigests {
}
