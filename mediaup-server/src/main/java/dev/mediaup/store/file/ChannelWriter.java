package dev.mediaup.store.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

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
 * 8 MiB append's time, in a profile.
 */
final class ChannelWriter extends OutputStream {
    static final int BUFFER = 256 * 1024;
    /** Buffers start at this alignment (a page), which any block size direct I/O accepts divides. */
    static final int ALIGN = 4096;
    /** Buffers kept for reuse (4 MiB); beyond that, a busy moment allocates and the GC takes the extra back. */
    private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(16);

    private final FileChannel ch;
    private final FileChannel direct; // the same file opened O_DIRECT, or null
    private final int block;          // what direct writes must be multiples of (offsets, lengths)
    private ByteBuffer buf;
    private long position;            // where the buffer's first byte goes in the file

    ChannelWriter(FileChannel ch) {
        this(ch, null, 0);
    }

    /** Writes to {@code ch}, whole blocks of {@code block} bytes through {@code direct} when it is not null. */
    ChannelWriter(FileChannel ch, FileChannel direct, int block) {
        if (direct != null && (block <= 0 || ALIGN % block != 0)) throw new IllegalArgumentException("block " + block);
        this.ch = ch;
        this.direct = direct;
        this.block = block;
        ByteBuffer free = FREE.poll();
        this.buf = free != null ? free : ByteBuffer.allocateDirect(BUFFER + ALIGN).alignedSlice(ALIGN).slice(0, BUFFER);
    }

    /** Whether whole blocks bypass the page cache (then nothing is left to write out but the last block). */
    boolean direct() {
        return direct != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buf.hasRemaining()) drain(false);
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) drain(false);
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Into the file, but for a last partial block when writing direct: later whole blocks must stay aligned. */
    @Override
    public void flush() throws IOException {
        if (buf.position() > 0) drain(false);
    }

    /** Everything written so far into the file, the last partial block through the page cache. */
    void finish() throws IOException {
        if (buf.position() > 0) drain(true);
    }

    private void drain(boolean all) throws IOException {
        buf.flip();
        if (direct == null) {
            writeFully(ch);
            buf.clear();
            return;
        }
        int whole = buf.remaining() - buf.remaining() % block, end = buf.limit();
        buf.limit(whole);
        writeFully(direct);
        buf.limit(end);
        if (all) writeFully(ch);
        buf.compact(); // a partial block moves to the buffer's aligned start, to be completed
    }

    private void writeFully(FileChannel c) throws IOException {
        while (buf.hasRemaining()) position += c.write(buf, position);
    }

    /** Gives the buffer back (what was not flushed is dropped); the channels are the caller's to close. */
    @Override
    public void close() {
        if (buf == null) return;
        buf.clear();
        FREE.offer(buf);
        buf = null;
    }
}
