package dev.mediaup.core;

/** What a user has used: bytes stored now, and bytes received on the current UTC day. */
public record Usage(String userId, long storedBytes, long uploadedToday) {}
