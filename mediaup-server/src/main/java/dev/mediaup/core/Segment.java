package dev.mediaup.core;

/**
 * One appended piece of an upload: its own blob, fsynced before this row was recorded.
 *
 * @param sha256 hex; null until something needed it (an append hashes only to verify its client's checksum)
 */
public record Segment(long uploadId, int index, long size, String sha256, String blobKey) {

    /** The same segment with the SHA-256 worked out from its blob. */
    public Segment withSha256(String hex) {
        return new Segment(uploadId, index, size, hex, blobKey);
    }
}
