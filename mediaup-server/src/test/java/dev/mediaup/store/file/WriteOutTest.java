package dev.mediaup.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Blobs written direct or through the page cache (then written out as they stream): every byte lands, whatever the
 * pieces and sizes around the buffer's and the blocks' edges, on both paths.
 */
class WriteOutTest {
    private static final AtomicLong SPARES = new AtomicLong();
    @TempDir
    Path dir;

    @Test
    void onLinuxTheKernelWritesOutAsTheBytesStream() throws Exception {
        Path file = dir.resolve("f");
        try (FileChannel ch = FileChannel.open(file, CREATE_NEW, WRITE); ChannelWriter buffered = new ChannelWriter(ch);
             WriteOut out = new WriteOut(buffered, ch, file)) {
            assertThat(out.streamsOut()).isEqualTo("Linux".equals(System.getProperty("os.name")));
        }
    }

    @Test
    void blobsAreWrittenDirectWhereTheFileSystemTakesIt() throws Exception {
        // ext4, xfs and btrfs take O_DIRECT (this machine's and CI's temp directories are on ext4)
        boolean takesIt = "Linux".equals(System.getProperty("os.name"))
                && List.of("ext4", "xfs", "btrfs").contains(Files.getFileStore(dir).type());
        assertThat(new FileBlobStore(dir.resolve("blobs")).writesDirect()).isEqualTo(takesIt);
        assertThat(new FileBlobStore(dir.resolve("cached"), false).writesDirect()).isFalse();
        try (var files = Files.list(dir.resolve("blobs"))) {
            assertThat(files.toList()).as("the probe leaves nothing behind").isEmpty();
        }
    }

    @Test
    void whereDirectIoCannotBeAskedTheStoreWritesThroughThePageCache() {
        assertThat(DirectIo.probe(dir.resolve("no such directory"))).isZero();
    }

    @Test
    void aStoreInMemoryTakesEveryByteToo() throws Exception {
        // tmpfs takes O_DIRECT since Linux 6.6 and refuses it before: either way, the bytes land
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        Path root = Files.createTempDirectory(shm, "mediaup-test");
        try {
            everyByteLands(new FileBlobStore(root));
        } finally {
            try (var walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    @Test
    void everyByteLandsWrittenDirect() throws Exception {
        everyByteLands(new FileBlobStore(dir.resolve("blobs")));
    }

    @Test
    void everyByteLandsThroughThePageCache() throws Exception {
        everyByteLands(new FileBlobStore(dir.resolve("cached"), false));
    }

    @Test
    void largeBuffersGoBackToTheBudgetAndABlobThatFindsItSpentKeepsItsSmallOnes() throws Exception {
        int budget = ChannelWriter.LARGE_BUDGET.availablePermits();
        var store = new FileBlobStore(dir.resolve("blobs"));
        long taken = ChannelWriter.LARGE_TAKEN.sum();
        everyByteLands(store);
        assumeTrue(store.writesDirect(), "large buffers are for direct writes; this file system takes none");
        assertThat(ChannelWriter.LARGE_TAKEN.sum()).as("blobs past their first MiB took large buffers").isGreaterThan(taken);
        assertThat(ChannelWriter.LARGE_BUDGET.availablePermits()).as("every blob gave its large buffers back").isEqualTo(budget);
        int spent = ChannelWriter.LARGE_BUDGET.drainPermits();
        try {
            taken = ChannelWriter.LARGE_TAKEN.sum();
            everyByteLands(store);
            assertThat(ChannelWriter.LARGE_TAKEN.sum()).as("with the budget spent, none").isEqualTo(taken);
        } finally {
            ChannelWriter.LARGE_BUDGET.release(spent);
        }
        // a blob that fails while it streams gives them back too
        assertThatThrownBy(() -> store.put("uploads/1/failed", out -> {
            out.write(new byte[3 << 20]);
            throw new IOException("the client went away");
        })).hasMessageContaining("went away");
        assertThat(ChannelWriter.LARGE_BUDGET.availablePermits()).isEqualTo(budget);
    }

    private static void everyByteLands(FileBlobStore store) throws Exception {
        Random random = new Random(7);
        int step = (int) WriteOut.STEP, block = ChannelWriter.ALIGN;
        int large = (int) ChannelWriter.LARGE_AFTER + ChannelWriter.LARGE; // the first MiB in small buffers, then large ones
        for (int size : List.of(0, 1, block - 1, block, block + 1, step - 1, step, step + 1, 3 * step + 7, large - 1, large + 5,
                (4 << 20) + 3)) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            for (int piece : List.of(1, 4095, 8191, 65536, step + 5)) {
                String key = "uploads/1/s" + size + "-" + piece;
                // spares are made under keys of their own (one key for all would have a batch's second file fail)
                // a spare filled in place for one, a new file renamed into place for the other
                String spare = store.takeReserved("uploads/1", () -> "uploads/1/spare" + SPARES.incrementAndGet()).orElse(key);
                long n = store.put(spare, out -> {
                    for (int off = 0; off < bytes.length; off += piece) {
                        out.write(bytes, off, Math.min(piece, bytes.length - off));
                        if (off / piece % 97 == 3) out.flush(); // writers flush as they like: blocks must stay aligned
                    }
                });
                assertThat(n).isEqualTo(size);
                assertThat(Files.readAllBytes(store.path(spare))).as("%d bytes in pieces of %d", size, piece).isEqualTo(bytes);
            }
        }
    }
}
