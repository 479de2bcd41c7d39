package dev.mediaup.store.file;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Buffers writes to a file in a direct buffer. A heap array handed to {@link FileChannel#write} is first copied by the
 * JDK into a temporary direct buffer, so {@code BufferedOutputStream} over {@code Channels.newOutputStream} copied
 * every byte twice before the kernel's own copy; here it is copied once. Buffers are pooled: a direct buffer is slow to
 * allocate and is freed only when the GC finds it.
 *
 * <p>Given a second channel of the same file opened with {@code O_DIRECT} (see {@link DirectIo}), whole blocks go
 * through it — from this buffer to the device, with no copy into the page cache — and only the last partial block
 * through the page cache, by {@link #finish}. That copy was the request thread's largest cost on a virtual machine
 * whose free memory the host takes back (every new page-cache page then faults in on the host first): ~60 % of an
 * 8 MiB append's time, in a profile. A direct write returns only once the device has the bytes, so full buffers are
 * written on other threads while the request thread fills the next: the socket and the disk work at once
 * (8 MiB appends 1.18–1.52× of writing each buffer in turn; 1 MiB appends 1.07× and 8 MiB 1.05× of writing a blob's
 * first MiB in turn, as this did until then; A/B pairs). A blob smaller than a buffer is written in turn by
 * {@link #finish}: with nothing in flight there is nothing to overlap, and a handoff costs a wakeup.
 *
 * <p>Past a blob's first MiB its buffers grow to {@link #LARGE} when the budget of large buffers allows: a quarter of
 * the handoffs, and the device takes 1 MiB writes faster than 256 KiB ones (8 MiB appends 1.16x, 10 A/B pairs all
 * faster; a 1 MiB append never gets there: 1.01x). The budget bounds what they add to memory however many uploads
 * stream at once.
 */
final class ChannelWriter extends OutputStream {
    static final int BUFFER = 256 * 1024;
    /** A buffer past a blob's first {@link #LARGE_AFTER} bytes, while the budget has room. */
    static final int LARGE = 1 << 20;
    static final long LARGE_AFTER = 1 << 20;
    /** Buffers start at this alignment (a page), which any block size direct I/O accepts divides. */
    static final int ALIGN = 4096;
    /** Buffers kept for reuse (8 MiB); beyond that, a busy moment allocates and the GC takes the extra back. */
    private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(32);
    /** Full buffers of one blob waiting for, or in, their direct write: a slow disk slows the body down, not memory. */
    private static final int IN_FLIGHT = 2;
    /**
     * Large buffers there may be at once (24 MiB): a blob takes its share (the one it fills and those in flight) or
     * none, so every large buffer ever made is in use or kept for reuse, never more.
     */
    static final Semaphore LARGE_BUDGET = new Semaphore(24);
    private static final BlockingQueue<ByteBuffer> FREE_LARGE = new ArrayBlockingQueue<>(24);
    /** Large buffers taken so far (made or reused): what shows that the budget decides (WriteOutTest). */
    static final LongAdder LARGE_TAKEN = new LongAdder();
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("mediaup-blob-write-", 0).factory());

    private final FileChannel ch;
    private final FileChannel direct; // the same file opened O_DIRECT, or null
    private final int block;          // what direct writes must be multiples of (offsets, lengths)
    private ByteBuffer buf;
    private long position;            // where the buffer's first byte goes in the file
    private boolean large;            // holds its share of the large buffers' budget
    private final Semaphore window = new Semaphore(IN_FLIGHT);
    private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null); // done when every direct write is
    private volatile IOException failed; // the first direct write that failed; reported to the request thread

    ChannelWriter(FileChannel ch) {
        this(ch, null, 0);
    }

    /** Writes to {@code ch}, whole blocks of {@code block} bytes through {@code direct} when it is not null. */
    ChannelWriter(FileChannel ch, FileChannel direct, int block) {
        if (direct != null && (block <= 0 || ALIGN % block != 0)) throw new IllegalArgumentException("block " + block);
        this.ch = ch;
        this.direct = direct;
        this.block = block;
        this.buf = buffer();
    }

    private ByteBuffer buffer() {
        if (!large && direct != null && position >= LARGE_AFTER) large = LARGE_BUDGET.tryAcquire(IN_FLIGHT + 1);
        if (large) LARGE_TAKEN.increment();
        ByteBuffer free = (large ? FREE_LARGE : FREE).poll();
        int size = large ? LARGE : BUFFER;
        return free != null ? free : ByteBuffer.allocateDirect(size + ALIGN).alignedSlice(ALIGN).slice(0, size);
    }

    private static void giveBack(ByteBuffer b) {
        (b.capacity() == LARGE ? FREE_LARGE : FREE).offer(b.clear());
    }

    /** Whether whole blocks bypass the page cache (then nothing is left to write out but the last block). */
    boolean direct() {
        return direct != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buf.hasRemaining()) full();
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) full();
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Into the file (through the page cache); writing direct, {@link #finish} does it: blocks must stay whole. */
    @Override
    public void flush() throws IOException {
        if (direct == null && buf.position() > 0) drain();
    }

    /** Everything written so far is in the file once this returns: whole blocks direct, the last partial one cached. */
    void finish() throws IOException {
        if (direct == null) {
            flush();
            return;
        }
        int tail = buf.position() % block;
        if (buf.position() > tail) { // the whole blocks first, then the tail through the page cache
            byte[] rest = new byte[tail];
            buf.get(buf.position() - tail, rest);
            buf.position(buf.position() - tail);
            if (writes.isDone()) { // nothing in flight (a blob smaller than a buffer): no overlap to gain from a handoff
                if (failed != null) throw failed;
                drain(direct);
            } else {
                full();
            }
            buf.put(rest);
        }
        awaitWrites();
        if (failed != null) throw failed;
        drain();
    }

    private void full() throws IOException {
        if (direct == null) {
            drain();
            return;
        }
        if (failed != null) throw failed;
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a blob was written");
        }
        ByteBuffer whole = buf.flip();
        long at = position;
        position += whole.remaining();
        buf = buffer();
        // positional writes need no order: two run at once (the device takes them in parallel; 8 MiB appends 1.11-1.17x
        // of one at a time, A/B), and the window keeps it to two
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                if (failed == null) writeAt(direct, whole, at);
            } catch (IOException e) {
                failed = e;
            } catch (RuntimeException e) {
                failed = new IOException(e);
            } finally {
                giveBack(whole);
                window.release();
            }
        }, WRITERS);
        writes = writes.isDone() ? write : CompletableFuture.allOf(writes, write);
    }

    /** Writes what the buffer holds through the page cache, at its place in the file. */
    private void drain() throws IOException {
        drain(ch);
    }

    /** Writes what the buffer holds into {@code c} (the file's cached or direct channel), at its place in the file. */
    private void drain(FileChannel c) throws IOException {
        position += writeAt(c, buf.flip(), position);
        buf.clear();
    }

    /** Writes all of {@code b} into {@code c} from file offset {@code at}; returns the count. */
    private static int writeAt(FileChannel c, ByteBuffer b, long at) throws IOException {
        int n = b.remaining();
        while (b.hasRemaining()) at += c.write(b, at);
        return n;
    }

    private void awaitWrites() {
        writes.join(); // never completes exceptionally: each write catches what it throws
    }

    /** Waits for direct writes still running and gives the buffer back (what was not written is dropped). */
    @Override
    public void close() {
        if (buf == null) return;
        awaitWrites(); // before the caller closes the channels under them
        giveBack(buf);
        buf = null;
        if (large) LARGE_BUDGET.release(IN_FLIGHT + 1);
    }
}
