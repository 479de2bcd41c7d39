package dev.mediaup.upload;

import java.security.SecureRandom;

/**
 * Time-ordered 64-bit ids in X's snowflake layout: 41 bits of milliseconds since X's epoch, 10 bits of node,
 * 12 bits of sequence. They come out as 19-digit decimals, like X's, and sort by creation time.
 */
public final class Ids {
    private static final long EPOCH = 1288834974657L; // X's snowflake epoch (2010-11-04)

    private long node;
    private long lastMillis = -1;
    private long sequence;

    /** A node id of -1 picks one at random (tools that make no ids); servers lease theirs from the database. */
    public Ids(int node) {
        this.node = (node < 0 ? new SecureRandom().nextInt(1024) : node) & 0x3FF;
    }

    /** Switches to a newly leased node id (the old lease was lost): ids stay unique because no two nodes share one. */
    public synchronized void node(int node) {
        this.node = node & 0x3FF;
    }

    public synchronized int node() {
        return (int) node;
    }

    public synchronized long next() {
        long now = System.currentTimeMillis();
        if (now < lastMillis) now = lastMillis; // clock stepped back: keep ids monotonic rather than collide
        if (now == lastMillis) {
            sequence = (sequence + 1) & 0xFFF;
            if (sequence == 0) now = ++lastMillis; // 4096 ids in one millisecond: borrow the next one
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return ((now - EPOCH) << 22) | (node << 12) | sequence;
    }
}
