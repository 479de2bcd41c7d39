package dev.mediaup.store;

import dev.mediaup.config.S3Url;
import dev.mediaup.it.Backend;
import dev.mediaup.store.s3.S3BlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The blob contract on an S3-compatible server (s3proxy, run as its own process), one fresh bucket per test. */
class S3BlobStoreIT extends BlobStoreContract {
    private static final AtomicInteger N = new AtomicInteger();

    @TempDir
    Path spool;

    @Override
    protected BlobStore open() throws Exception {
        S3Url s3 = S3Url.parse(Backend.s3Url("contract" + ProcessHandle.current().pid() + "x" + N.incrementAndGet()));
        return S3BlobStore.open(new S3BlobStore.Location(s3.bucket(), s3.prefix(), s3.endpoint(), s3.region(), s3.pathStyle(),
                s3.accessKey(), s3.secretKey()), spool);
    }
}
