package dev.mediaup.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/** Blobs written out as they stream: every byte lands, whatever the pieces, and on Linux the kernel is asked as it goes. */
class WriteOutTest {
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
    void everyByteLandsAroundTheSteps() throws Exception {
        var store = new FileBlobStore(dir.resolve("blobs"));
        Random random = new Random(7);
        int step = (int) WriteOut.STEP;
        for (int size : List.of(0, 1, step - 1, step, step + 1, 3 * step + 7, (4 << 20) + 3)) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            for (int piece : List.of(1, 8191, 65536, step + 5)) {
                String key = "uploads/1/s" + size + "-" + piece;
                // a spare filled in place for one, a new file renamed into place for the other
                String spare = store.takeReserved("uploads/1", () -> key).orElse(key);
                long n = store.put(spare, out -> {
                    for (int off = 0; off < bytes.length; off += piece) out.write(bytes, off, Math.min(piece, bytes.length - off));
                });
                assertThat(n).isEqualTo(size);
                assertThat(Files.readAllBytes(store.path(spare))).as("%d bytes in pieces of %d", size, piece).isEqualTo(bytes);
            }
        }
    }
}
