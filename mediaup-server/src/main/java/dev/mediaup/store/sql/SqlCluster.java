package dev.mediaup.store.sql;

import dev.mediaup.store.ClusterStore;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** Node-id leases and server secrets on SQL. */
final class SqlCluster implements ClusterStore {
    private final SqlDatabase db;

    SqlCluster(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public OptionalInt leaseNode(String owner, long now, long until) {
        return db.write(h -> {
            Optional<Integer> free = h.createQuery("SELECT node_id FROM nodes WHERE lease_until < :now ORDER BY node_id LIMIT 1"
                    + db.skipLocked).bind("now", now).mapTo(Integer.class).findOne();
            if (free.isPresent()) {
                h.createUpdate("UPDATE nodes SET owner = :o, lease_until = :u WHERE node_id = :n").bind("o", owner).bind("u", until)
                        .bind("n", free.get()).execute();
                return OptionalInt.of(free.get());
            }
            int next = h.createQuery("SELECT COALESCE(MAX(node_id) + 1, 0) FROM nodes").mapTo(Integer.class).one();
            if (next > 1023) return OptionalInt.empty();
            // two nodes may race for the same new id: the primary key refuses one, which then tries again
            h.createUpdate("INSERT INTO nodes (node_id, owner, lease_until) VALUES (:n, :o, :u)").bind("n", next).bind("o", owner)
                    .bind("u", until).execute();
            return OptionalInt.of(next);
        });
    }

    @Override
    public boolean renewNode(int nodeId, String owner, long until) {
        return db.write(h -> h.createUpdate("UPDATE nodes SET lease_until = :u WHERE node_id = :n AND owner = :o")
                .bind("u", until).bind("n", nodeId).bind("o", owner).execute()) == 1;
    }

    @Override
    public String secret(String name, Supplier<String> create) {
        return db.write(h -> {
            h.createUpdate("INSERT INTO server_secrets (name, value) VALUES (:n, :v) ON CONFLICT DO NOTHING")
                    .bind("n", name).bind("v", create.get()).execute();
            return h.createQuery("SELECT value FROM server_secrets WHERE name = :n").bind("n", name).mapTo(String.class).one();
        });
    }
}
