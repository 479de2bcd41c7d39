package dev.mediaup.core;

/** A subtitles upload attached to a video for one language. */
public record SubtitleTrack(long videoId, String languageCode, long subtitlesId, String displayName) {}
