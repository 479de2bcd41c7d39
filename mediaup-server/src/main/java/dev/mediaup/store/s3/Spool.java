package dev.mediaup.store.s3;

import software.amazon.awssdk.core.sync.RequestBody;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

import static java.nio.file.StandardOpenOption.WRITE;

/**
 * A body held until it is sent to the object store: in memory up to MEMORY_BODY while it holds a slot of the fixed
 * memory budget, then (or without a slot, from the first byte) in a local temporary file. A slot's memory is one block
 * kept for the next body: commons-io's {@code DeferredFileOutputStream}, used before, grew fresh arrays for every body
 * (1 KiB doubling to 2 MiB, the larger ones humongous in G1), 40 % of what a PostgreSQL + S3 server allocated while
 * taking 32 MiB appends. {@link #discard} gives back the slot and the file.
 */
final class Spool extends OutputStream {
    /**
     * The segments X's clients send (1–4 MiB) stay in memory; larger ones go to the file from their fifth MiB on. At
     * 16 MiB, two 32 MiB appends at a time kept the heap of a 256 MiB server full: 436–448 MB resident in BigUploadIT,
     * 290–317 MB at 4 MiB.
     */
    static final int MEMORY_BODY = 4 << 20;

    /** Where spools keep what does not fit in memory, and the memory budget they share. */
    static final class Budget {
        private final Path dir;
        /** At most a quarter of the heap (and 8 bodies) held at once. */
        private final Semaphore memory;
        /** The blocks of slots given back: made once, as many as were ever used at once. */
        private final BlockingQueue<byte[]> blocks;

        Budget(Path dir) {
            this.dir = dir;
            int slots = (int) Math.max(0, Math.min(8, Runtime.getRuntime().maxMemory() / 4 / MEMORY_BODY));
            this.memory = new Semaphore(slots);
            this.blocks = new ArrayBlockingQueue<>(Math.max(1, slots));
        }

        Spool open() {
            return new Spool(this);
        }

        private byte[] takeBlock() {
            if (!memory.tryAcquire()) return null;
            byte[] b = blocks.poll();
            return b != null ? b : new byte[MEMORY_BODY];
        }

        private void giveBack(byte[] block) {
            blocks.offer(block);
            memory.release();
        }

        /** Blocks given back and waiting for the next body (tests). */
        int blocksKept() {
            return blocks.size();
        }
    }

    private final Budget budget;
    private byte[] block;        // the slot's memory while the body is in it; null once in the file or without a slot
    private FileChannel file;    // open while the body is being written to the file
    private Path path;           // the file, once the body passed the memory it had
    private long size;
    private boolean discarded;

    private Spool(Budget budget) {
        this.budget = budget;
        this.block = budget.takeBlock();
    }

    long size() { return size; }

    /** The file the body went to, or null while it is held in memory. */
    Path file() {
        return path;
    }

    @Override
    public void write(int b) throws IOException {
        if (block != null && size < block.length) { // a block is held only until the body moves to a file or is discarded
            block[(int) size++] = (byte) b;
            return;
        }
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (discarded) throw new IOException("the spool was discarded");
        if (block != null && size + len <= block.length) {
            System.arraycopy(b, off, block, (int) size, len);
        } else {
            if (path == null) toFile();
            writeAll(ByteBuffer.wrap(b, off, len));
        }
        size += len;
    }

    /** What is held so far moves to a new file, and the slot's memory goes back to the budget at once. */
    private void toFile() throws IOException {
        path = Files.createTempFile(budget.dir, "put", ".tmp");
        file = FileChannel.open(path, WRITE);
        if (block != null) {
            writeAll(ByteBuffer.wrap(block, 0, (int) size));
            budget.giveBack(block);
            block = null;
        }
    }

    private void writeAll(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) file.write(b);
    }

    /** The held bytes as a request body (the SDK may read them twice: to sign the payload, then to send it). */
    RequestBody request() {
        return path != null ? RequestBody.fromFile(path) : RequestBody.fromContentProvider(this::held, size, "application/octet-stream");
    }

    /** The held bytes, wherever they are. */
    InputStream read() throws IOException {
        return path != null ? Files.newInputStream(path) : held();
    }

    /** The bytes in the block (none: a body with no slot that never got a byte). */
    private InputStream held() {
        return new ByteArrayInputStream(block == null ? new byte[0] : block, 0, (int) size);
    }

    /** No more bytes: the file, if any, is closed (its bytes stay until {@link #discard}). */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    void discard() throws IOException {
        if (discarded) return;
        discarded = true;
        try {
            close();
            if (path != null) Files.deleteIfExists(path);
        } finally {
            if (block != null) {
                budget.giveBack(block);
                block = null;
            }
        }
    }
}
