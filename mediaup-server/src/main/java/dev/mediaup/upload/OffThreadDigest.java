package dev.mediaup.upload;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Passes writes through at once and hashes them on another thread, so SHA-256 (about 5 ms per 8 MiB here) overlaps
 * the socket reads and disk writes of the request thread instead of adding to them. The bytes to hash are gathered in
 * chunks taken from a shared pool and returned once hashed: hashing allocates nothing per byte (a 16 GiB upload through
 * a 256 MiB heap stays small), and at most {@link #WINDOW} bytes per stream wait to be hashed — a slow hasher slows the
 * upload down rather than filling memory.
 */
final class OffThreadDigest extends FilterOutputStream {
    private static final int CHUNK = 256 * 1024;
    private static final int WINDOW = 8 << 20;
    private static final ExecutorService HASHERS = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), Thread.ofPlatform().daemon().name("mediaup-hash-", 0).factory());
    /** Chunks kept for reuse (16 MiB); beyond that, a busy moment allocates and the GC takes the extra back. */
    private static final BlockingQueue<byte[]> FREE = new ArrayBlockingQueue<>(64);

    private final MessageDigest[] digests;
    private final Semaphore window = new Semaphore(WINDOW / CHUNK);
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private byte[] chunk;
    private int filled;

    OffThreadDigest(OutputStream out, MessageDigest... digests) {
        super(out);
        this.digests = digests;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        while (len > 0) {
            if (chunk == null) {
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                byte[] free = FREE.poll();
                chunk = free != null ? free : new byte[CHUNK];
                filled = 0;
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) hashChunk();
        }
    }

    private void hashChunk() {
        byte[] c = chunk;
        int n = filled;
        chunk = null;
        // chained: updates run one after another, in write order
        tail = tail.thenRunAsync(() -> {
            for (MessageDigest d : digests) d.update(c, 0, n);
            FREE.offer(c);
            window.release();
        }, HASHERS);
    }

    /** Waits until every byte written has been hashed; the digests are then complete. */
    void awaitDigests() throws IOException {
        if (chunk != null) hashChunk();
        try {
            tail.get();
        } catch (InterruptedException e) {
            throw new InterruptedIOException();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }
}
