package dev.mediaup.store;

import dev.mediaup.core.Usage;

import java.util.List;

/** The bytes each user stores and received today, against their quotas (kept in the transactions that move them). */
public interface UsageLedger {

    Usage usage(String userId, long epochDay);

    /** Every user who stores or stored bytes, most stored first, with what they received on {@code epochDay}. */
    List<Usage> usages(long epochDay, int limit);
}
