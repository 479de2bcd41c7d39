package dev.mediaup.store.s3;

import software.amazon.awssdk.core.sync.RequestBody;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * A body held until it is sent to the object store: in 1 MiB chunks up to MEMORY_BODY while it holds a slot of the
 * fixed memory budget, then (or without a slot, from the first byte) in a local temporary file, the chunks written out
 * first: memory stays bounded either way. {@link #discard} gives back the slot and the file.
 */
final class Spool extends OutputStream {
    private static final int MEMORY_BODY = 16 << 20, CHUNK = 1 << 20;

    /** Where spools keep what does not fit in memory, and the memory budget they share. */
    static final class Budget {
        private final Path dir;
        /** At most a quarter of the heap (and 8 bodies) held at once. */
        private final Semaphore memory = new Semaphore((int) Math.max(0, Math.min(8, Runtime.getRuntime().maxMemory() / 4
                / MEMORY_BODY)));

        Budget(Path dir) {
            this.dir = dir;
        }

        Spool open() {
            return new Spool(this);
        }
    }

    private final Budget budget;
    private final boolean slot;
    private final int limit;
    private boolean discarded;
    private final List<byte[]> chunks = new ArrayList<>();
    private int last; // bytes used in the last chunk
    private long size;
    Path file;
    private OutputStream out;

    private Spool(Budget budget) {
        this.budget = budget;
        this.slot = budget.memory.tryAcquire();
        this.limit = slot ? MEMORY_BODY : 0;
    }

    long size() { return size; }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (out == null && size + len > limit) {
            file = Files.createTempFile(budget.dir, "put", ".tmp");
            out = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
            for (int i = 0; i < chunks.size(); i++) out.write(chunks.get(i), 0, i == chunks.size() - 1 ? last : CHUNK);
            chunks.clear();
        }
        size += len;
        if (out != null) {
            out.write(b, off, len);
            return;
        }
        while (len > 0) {
            if (chunks.isEmpty() || last == CHUNK) {
                chunks.add(new byte[CHUNK]);
                last = 0;
            }
            int n = Math.min(len, CHUNK - last);
            System.arraycopy(b, off, chunks.getLast(), last, n);
            last += n;
            off += n;
            len -= n;
        }
    }

    /** The held bytes as a request body (the SDK may read them twice: to sign the payload, then to send it). */
    RequestBody request() {
        return file != null ? RequestBody.fromFile(file) : RequestBody.fromContentProvider(this::held, size,
                "application/octet-stream");
    }

    /** The held bytes, wherever they are. */
    InputStream read() throws IOException {
        return file != null ? Files.newInputStream(file) : held();
    }

    private InputStream held() {
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) parts.add(new ByteArrayInputStream(chunks.get(i), 0, i == chunks.size() - 1 ? last
                : CHUNK));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }

    void discard() throws IOException {
        if (discarded) return;
        discarded = true;
        close();
        if (file != null) Files.deleteIfExists(file);
        if (slot) budget.memory.release();
    }
}
