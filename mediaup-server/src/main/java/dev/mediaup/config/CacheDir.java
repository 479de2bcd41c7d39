package dev.mediaup.config;

import java.nio.file.Path;

/**
 * Where mediaup keeps what it can rebuild from its own jar — the bundled ffmpeg, SQLite's native library — so it is
 * unpacked once per version, not at every start: {@code MEDIAUP_CACHE_DIR}, else {@code $XDG_CACHE_HOME/mediaup}, else
 * {@code ~/.cache/mediaup} (the systemd unit and the OCI image set {@code /var/cache/mediaup}).
 */
public final class CacheDir {
    private CacheDir() {}

    public static Path root() {
        String explicit = System.getenv("MEDIAUP_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("mediaup");
    }
}
