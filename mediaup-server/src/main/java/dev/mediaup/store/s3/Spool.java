package dev.mediaup.store.s3;

import org.apache.commons.io.output.DeferredFileOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * A body held until it is sent to the object store: in memory up to MEMORY_BODY while it holds a slot of the fixed
 * memory budget, then (or without a slot, from the first byte) in a local temporary file — commons-io's
 * {@link DeferredFileOutputStream}, which keeps what it holds in chunks and moves them to the file when the threshold
 * is passed: memory stays bounded either way. {@link #discard} gives back the slot and the file.
 */
final class Spool extends OutputStream {
    /**
     * The segments X's clients send (1–4 MiB) stay in memory; larger ones go to the file from their fifth MiB on. At
     * 16 MiB, two 32 MiB appends at a time kept the heap of a 256 MiB server full: 436–448 MB resident in BigUploadIT,
     * 290–317 MB at 4 MiB.
     */
    private static final int MEMORY_BODY = 4 << 20;

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
    private final DeferredFileOutputStream held;
    private boolean discarded;
    private long size;

    private Spool(Budget budget) {
        this.budget = budget;
        this.slot = budget.memory.tryAcquire();
        this.held = DeferredFileOutputStream.builder().setThreshold(slot ? MEMORY_BODY : 0).setDirectory(budget.dir).setPrefix("put")
                .setSuffix(".tmp").get();
    }

    long size() { return size; }

    /** The file the body went to, or null while it is held in memory. */
    Path file() {
        return held.isInMemory() ? null : held.getPath();
    }

    @Override
    public void write(int b) throws IOException {
        held.write(b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        held.write(b, off, len);
        size += len;
    }

    /** The held bytes as a request body (the SDK may read them twice: to sign the payload, then to send it). */
    RequestBody request() {
        return file() != null ? RequestBody.fromFile(file()) : RequestBody.fromContentProvider(this::held, size,
                "application/octet-stream");
    }

    /** The held bytes, wherever they are. */
    InputStream read() throws IOException {
        return file() != null ? Files.newInputStream(file()) : held.toInputStream();
    }

    private InputStream held() {
        try {
            return held.toInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        held.close();
    }

    void discard() throws IOException {
        if (discarded) return;
        discarded = true;
        close();
        if (file() != null) Files.deleteIfExists(file());
        if (slot) budget.memory.release();
    }
}
