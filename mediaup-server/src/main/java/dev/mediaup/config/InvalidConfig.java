package dev.mediaup.config;

import java.util.List;

/** A configuration that cannot work, with every reason (the CLI prints them as a usage error). */
public final class InvalidConfig extends RuntimeException {
    public final List<String> reasons;

    public InvalidConfig(List<String> reasons) {
        super(String.join("; ", reasons), null, false, false);
        this.reasons = List.copyOf(reasons);
    }
}
