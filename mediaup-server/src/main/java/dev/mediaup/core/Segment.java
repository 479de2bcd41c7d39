package dev.mediaup.core;

/** One appended piece of an upload: its own blob, fsynced before this row was recorded. */
public record Segment(long uploadId, int index, long size, String sha256, String blobKey) {}
