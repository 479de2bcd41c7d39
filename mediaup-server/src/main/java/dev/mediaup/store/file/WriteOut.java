package dev.mediaup.store.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Gets a blob's bytes on their way to the disk while its body still streams, so the fsync that acknowledges them
 * finds little left to write: the disk works while the socket is read. Durability is unchanged — that fsync still
 * comes before any answer; what is started here only starts sooner.
 *
 * <p>On Linux, every {@link #STEP} bytes the kernel is asked to start writing out what was just written
 * ({@code sync_file_range(2)} with {@code SYNC_FILE_RANGE_WRITE}: no wait, no device cache flush). A 1 MiB segment's
 * fsync then has a quarter of it left (1.25 → 0.95 ms per 1 MiB on this machine's disk, a loop of 100). Elsewhere, or
 * when the JVM may not call native code, an fdatasync of what is written so far starts on a virtual thread every
 * 4 MiB, one at a time (each is a device cache flush too, so not more often). None of it when the blob is written
 * direct ({@link DirectIo}): its whole blocks are on the device as each write returns.
 */
final class WriteOut extends OutputStream {
    private static final Logger log = LoggerFactory.getLogger(WriteOut.class);
    /** The file store's write buffer: the bytes reach the file in pieces of this size anyway. */
    static final long STEP = ChannelWriter.BUFFER;
    private static final long THREAD_STEP = 4L << 20;

    private final ChannelWriter out;
    private final FileChannel ch;
    private final boolean pageCache; // direct writes leave nothing to write out but the last block
    private final int fd; // a descriptor of our own for sync_file_range, or -1 (the fallback)
    private long startedUpTo;
    private Thread writingBack;
    long count;

    /** Counts and writes out what is written to {@code out}, the buffered writer of {@code ch}, the file at {@code path}. */
    WriteOut(ChannelWriter out, FileChannel ch, Path path) {
        this.out = out;
        this.ch = ch;
        this.pageCache = !out.direct();
        this.fd = pageCache ? Linux.open(path) : -1;
    }

    /** Whether the kernel is asked to write out as the bytes stream (Linux, through the page cache), not the fallback. */
    boolean streamsOut() {
        return fd >= 0;
    }

    @Override public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    // counted here, not per byte through a chain of virtual calls: writes go straight to the buffered stream
    @Override public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count += len;
        if (pageCache && count - startedUpTo >= (fd >= 0 ? STEP : THREAD_STEP)) start();
    }

    @Override public void flush() throws IOException {
        out.flush();
    }

    private void start() throws IOException {
        out.flush(); // into the file's pages first: write-out takes what the kernel holds
        if (fd >= 0) {
            Linux.writeOut(fd, startedUpTo, count - startedUpTo);
            startedUpTo = count;
            return;
        }
        startedUpTo = count;
        if (writingBack != null && writingBack.isAlive()) return; // the disk is still busy with the last step
        writingBack = Thread.ofVirtual().name("write-back").start(() -> {
            try {
                ch.force(false);
            } catch (IOException e) {
                // the fsync that acknowledges the blob runs anyway and reports any real failure
            }
        });
    }

    /** Waits for a write-back still running and lets go of the descriptor, so the channel is not closed under either. */
    @Override public void close() throws IOException {
        if (fd >= 0) Linux.close(fd);
        if (writingBack == null) return;
        try {
            writingBack.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the blob was written back", e);
        }
    }

    /** The three libc calls, bound once through the JDK's foreign function API; absent off Linux or without native access. */
    private static final class Linux {
        private static final int O_WRONLY = 1, O_CLOEXEC = 0x80000, SYNC_FILE_RANGE_WRITE = 2;
        private static final MethodHandle OPEN, SYNC_FILE_RANGE, CLOSE;

        static {
            MethodHandle open = null, range = null, close = null;
            if ("Linux".equals(System.getProperty("os.name"))) {
                try {
                    Linker linker = Linker.nativeLinker();
                    SymbolLookup libc = linker.defaultLookup();
                    // open(2) takes a mode after its flags as a variadic argument: declared so, as the ABI requires
                    open = linker.downcallHandle(libc.find("open").orElseThrow(),
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
                    range = linker.downcallHandle(libc.find("sync_file_range").orElseThrow(),
                            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
                    close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                } catch (RuntimeException e) { // native access denied (--illegal-native-access=deny), or no such symbol
                    log.info("writing blobs out as they stream by fdatasync on a thread: {}", e.toString());
                    open = range = close = null;
                }
            }
            OPEN = open;
            SYNC_FILE_RANGE = range;
            CLOSE = close;
        }

        /** A write-only descriptor of the file, or -1 (then the fallback): the channel's own is not reachable. */
        static int open(Path path) {
            if (OPEN == null) return -1;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom(path.toString());
                return (int) OPEN.invokeExact(name, O_WRONLY | O_CLOEXEC, 0);
            } catch (Throwable e) {
                return -1;
            }
        }

        /** Starts writing out bytes {@code offset .. offset+length} of the file; failures are the acknowledging fsync's. */
        static void writeOut(int fd, long offset, long length) {
            try {
                int ignored = (int) SYNC_FILE_RANGE.invokeExact(fd, offset, length, SYNC_FILE_RANGE_WRITE);
            } catch (Throwable e) {
                // nothing was promised: the fsync that acknowledges the blob writes everything out anyway
            }
        }

        static void close(int fd) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                // a descriptor we only read from the kernel's side: nothing to recover
            }
        }
    }
}
