package dev.mediaup.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** --media-retention-secs, declared once for serve (the background sweep) and gc (a sweep now). */
final class RetentionOption {
    @Option(names = "--media-retention-secs", defaultValue = "0", converter = Seconds.class,
            description = "Delete finalized media this long after upload (0: keep).")
    Duration retention;

    Duration retention() {
        return retention;
    }
}
