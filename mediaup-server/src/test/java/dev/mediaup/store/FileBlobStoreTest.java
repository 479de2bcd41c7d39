package dev.mediaup.store;

import dev.mediaup.store.file.FileBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The blob contract on the embedded default: files under the data dir. */
class FileBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BlobStore open() throws Exception {
        return new FileBlobStore(dir.resolve("blobs"));
    }

    private static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.US_ASCII);
    }

    /** Windows come from a cached mapping of the whole file: a key written again must never show its old bytes. */
    @Test
    void mappedWindowsFollowAKeyThatIsWrittenAgainOrDeleted() throws Exception {
        var store = new FileBlobStore(dir.resolve("mapped"));
        store.put("uploads/1/v/a", out -> out.write("0123456789".getBytes(StandardCharsets.US_ASCII)));
        assertThat(text(store.map("uploads/1/v/a", 2, 3))).isEqualTo("234");
        assertThat(text(store.map("uploads/1/v/a", 7, 3))).isEqualTo("789");
        store.put("uploads/1/v/a", out -> out.write("abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII)));
        assertThat(text(store.map("uploads/1/v/a", 2, 3))).isEqualTo("cde");
        assertThat(text(store.map("uploads/1/v/a", 12, 4))).isEqualTo("mnop");
        store.deleteAll("uploads/1");
        assertThatThrownBy(() -> store.map("uploads/1/v/a", 0, 1)).isInstanceOf(IOException.class);
    }
}
