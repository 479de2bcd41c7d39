package dev.mediaup.store;

import java.util.OptionalInt;
import java.util.function.Supplier;

/** What the nodes sharing one database agree on: whose snowflake node id is whose, and the server's secrets. */
public interface ClusterStore {

    /** Leases a free snowflake node id (0..1023) to {@code owner} until {@code until}; empty when all are taken. */
    OptionalInt leaseNode(String owner, long now, long until);

    /** Extends the lease; false if it was lost (it ran out and another node took the id). */
    boolean renewNode(int nodeId, String owner, long until);

    /** A named server secret, made by {@code create} the first time any node asks. */
    String secret(String name, Supplier<String> create);
}
