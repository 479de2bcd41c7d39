package dev.mediaup.store;

import dev.mediaup.store.file.FileBlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The blob contract on the embedded default: files under the data dir. */
class FileBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BlobStore open() throws Exception {
        return new FileBlobStore(dir.resolve("blobs"));
    }
}
