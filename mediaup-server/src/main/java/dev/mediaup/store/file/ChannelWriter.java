package dev.mediaup.store.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Buffers writes to a file channel in a direct buffer. A heap array handed to {@link FileChannel#write} is first
 * copied by the JDK into a temporary direct buffer, so {@code BufferedOutputStream} over {@code Channels.newOutputStream}
 * copied every byte twice before the kernel's own copy; here it is copied once. Buffers are pooled: a direct buffer is
 * slow to allocate and is freed only when the GC finds it.
 */
final class ChannelWriter extends OutputStream {
    static final int BUFFER = 256 * 1024;
    /** Buffers kept for reuse (4 MiB); beyond that, a busy moment allocates and the GC takes the extra back. */
    private static final BlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(16);

    private final FileChannel ch;
    private ByteBuffer buf;

    ChannelWriter(FileChannel ch) {
        this.ch = ch;
        ByteBuffer free = FREE.poll();
        this.buf = free != null ? free : ByteBuffer.allocateDirect(BUFFER);
    }

    @Override
    public void write(int b) throws IOException {
        if (!buf.hasRemaining()) drain();
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) drain();
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (buf.position() > 0) drain();
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    /** Gives the buffer back (what was not flushed is dropped); the channel is the caller's to close. */
    @Override
    public void close() {
        if (buf == null) return;
        buf.clear();
        FREE.offer(buf);
        buf = null;
    }
}
