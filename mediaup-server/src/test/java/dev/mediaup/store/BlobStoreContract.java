package dev.mediaup.store;

import dev.mediaup.core.BlobKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of a blob store, run against every backend: the core (put durable and whole or not at all, reads
 * from an offset, listing and deletion by prefix) and each optional capability the store declares. A new backend
 * proves itself by extending this with an {@link #open()} of its own.
 */
public abstract class BlobStoreContract {
    protected BlobStore blobs;

    protected abstract BlobStore open() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        blobs = open();
    }

    @AfterEach
    void closeStore() {
        if (blobs != null) blobs.close();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPutBlobReadsBackWholeAndFromAnOffset() throws IOException {
        byte[] data = bytes(3 << 20, 1);
        String key = BlobKeys.segment(11, 1);
        assertThat(blobs.put(key, out -> out.write(data))).isEqualTo(data.length);
        assertThat(read(blobs.open(key))).isEqualTo(data);
        assertThat(read(blobs.open(key, 1_000_001))).isEqualTo(java.util.Arrays.copyOfRange(data, 1_000_001, data.length));
    }

    @Test
    void severalBlobsReadAsOneStreamInOrder() throws IOException {
        blobs.put(BlobKeys.segment(12, 1), out -> out.write("abc".getBytes()));
        blobs.put(BlobKeys.segment(12, 2), out -> out.write("".getBytes()));
        blobs.put(BlobKeys.segment(12, 3), out -> out.write("de".getBytes()));
        assertThat(new String(read(blobs.openAll(List.of(BlobKeys.segment(12, 3), BlobKeys.segment(12, 1), BlobKeys.segment(12, 2))))))
                .isEqualTo("deabc");
    }

    @Test
    void aWriterThatFailsLeavesNoBlob() throws IOException {
        String key = BlobKeys.segment(13, 1);
        assertThatThrownBy(() -> blobs.put(key, out -> {
            out.write(bytes(100_000, 2));
            throw new IOException("client went away");
        })).hasMessageContaining("client went away");
        assertThat(blobs.list(BlobKeys.prefix(13))).isEmpty();
        assertThatThrownBy(() -> read(blobs.open(key))).isInstanceOf(IOException.class);
    }

    @Test
    void listingAndDeletingGoByPrefix() throws IOException {
        long before = System.currentTimeMillis() / 1000 - 1;
        blobs.put(BlobKeys.segment(14, 1), out -> out.write(1));
        blobs.put(BlobKeys.variant(14, "small"), out -> out.write(2));
        blobs.put(BlobKeys.segment(140, 1), out -> out.write(3));
        var listed = blobs.list(BlobKeys.prefix(14));
        assertThat(listed).extracting(BlobStore.Entry::key).containsExactlyInAnyOrder(BlobKeys.segment(14, 1), BlobKeys.variant(14, "small"));
        assertThat(listed).allMatch(e -> e.modifiedAt() >= before && e.modifiedAt() <= before + 120);
        blobs.delete(BlobKeys.segment(14, 1));
        assertThat(blobs.list(BlobKeys.prefix(14))).extracting(BlobStore.Entry::key).containsExactly(BlobKeys.variant(14, "small"));
        blobs.deleteAll(BlobKeys.prefix(14));
        assertThat(blobs.list(BlobKeys.prefix(14))).isEmpty();
        assertThat(blobs.list(BlobKeys.ROOT)).extracting(BlobStore.Entry::key).containsExactly(BlobKeys.segment(140, 1));
        blobs.delete(BlobKeys.segment(14, 1)); // deleting what is gone is fine
    }

    @Test
    void aStoreReportsFreeSpaceAndHealth() {
        assertThat(blobs.freeBytes()).isPositive();
        assertThat(blobs.healthy()).isTrue();
    }

    // ---- optional capabilities, each tested where the store declares it ----

    @Test
    void localBlobsHaveAPathWithTheirBytes() throws IOException {
        var local = blobs.capabilities().local();
        if (local.isEmpty()) return;
        byte[] data = bytes(1000, 3);
        blobs.put(BlobKeys.segment(15, 1), out -> out.write(data));
        assertThat(Files.readAllBytes(local.get().path(BlobKeys.segment(15, 1)))).isEqualTo(data);
        assertThatThrownBy(() -> local.get().path("uploads/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mappableBlobsMapAWindow() throws IOException {
        var mappable = blobs.capabilities().mappable();
        if (mappable.isEmpty()) return;
        byte[] data = bytes(5000, 4);
        blobs.put(BlobKeys.segment(16, 1), out -> out.write(data));
        ByteBuffer window = mappable.get().map(BlobKeys.segment(16, 1), 100, 50);
        byte[] got = new byte[window.remaining()];
        window.get(got);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 150));
    }

    @Test
    void hashingPutsReturnTheSha256() throws Exception {
        var hashing = blobs.capabilities().hashing();
        if (hashing.isEmpty()) return;
        byte[] data = bytes(200_000, 5);
        var put = hashing.get().putHashed(BlobKeys.segment(17, 1), out -> out.write(data));
        assertThat(put.size()).isEqualTo(data.length);
        assertThat(put.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void reservedKeysAreFilledOnceInPlaceAndAFailedFillLeavesNoBlob() throws Exception {
        var reserving = blobs.capabilities().reserving();
        if (reserving.isEmpty()) return;
        String prefix = BlobKeys.prefix(19);
        var next = new java.util.concurrent.atomic.AtomicLong(100);
        java.util.function.Supplier<String> newKey = () -> BlobKeys.segment(19, next.incrementAndGet());
        // the first ask finds none ready and starts making some; they are ready soon after
        java.util.Optional<String> taken = reserving.get().takeReserved(prefix, newKey);
        for (int i = 0; i < 500 && taken.isEmpty(); i++) {
            Thread.sleep(10);
            taken = reserving.get().takeReserved(prefix, newKey);
        }
        assertThat(taken).as("a reserved key within 5 s").isPresent();
        String key = taken.get();
        assertThat(key).startsWith(prefix + "/");
        String ready = key;
        blobs.capabilities().local().ifPresent(l -> assertThat(l.path(ready)).as("made ahead, empty").isEmptyFile());
        byte[] data = bytes(300_000, 9);
        assertThat(blobs.put(key, out -> out.write(data))).isEqualTo(data.length);
        assertThat(read(blobs.open(key))).isEqualTo(data);
        // a key is handed out once: the next one differs, and putting it again later replaces it like any key
        String other = reserving.get().takeReserved(prefix, newKey).orElseGet(newKey);
        assertThat(other).isNotEqualTo(key);
        assertThatThrownBy(() -> blobs.put(other, out -> {
            out.write(bytes(100_000, 10));
            throw new IOException("client went away");
        })).hasMessageContaining("client went away");
        assertThatThrownBy(() -> read(blobs.open(other))).isInstanceOf(IOException.class);
        blobs.put(key, out -> out.write("again".getBytes()));
        assertThat(new String(read(blobs.open(key)))).isEqualTo("again");
        // deleting the prefix takes the ready ones along; a key taken before is still put whole
        String late = reserving.get().takeReserved(prefix, newKey).orElseGet(newKey);
        blobs.deleteAll(prefix);
        blobs.put(late, out -> out.write(data));
        assertThat(read(blobs.open(late))).isEqualTo(data);
        assertThat(blobs.list(prefix)).extracting(BlobStore.Entry::key).containsExactly(late);
    }

    @Test
    void assemblingMakesOneBlobOfThePiecesInOrder() throws IOException {
        var assembling = blobs.capabilities().assembling();
        if (assembling.isEmpty()) return;
        byte[] big = bytes(6 << 20, 6), small = bytes(1000, 7), last = bytes(5 << 20, 8);
        blobs.put(BlobKeys.segment(18, 1), out -> out.write(big));
        blobs.put(BlobKeys.segment(18, 2), out -> out.write(small));
        blobs.put(BlobKeys.segment(18, 3), out -> out.write(last));
        assembling.get().assemble(BlobKeys.assembled(18, 9), List.of(new BlobStore.Piece(BlobKeys.segment(18, 1), big.length),
                new BlobStore.Piece(BlobKeys.segment(18, 2), small.length), new BlobStore.Piece(BlobKeys.segment(18, 3), last.length)));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(big);
        expected.write(small);
        expected.write(last);
        assertThat(read(blobs.open(BlobKeys.assembled(18, 9)))).isEqualTo(expected.toByteArray());
        assertThat(read(blobs.open(BlobKeys.segment(18, 2)))).as("the pieces stay").isEqualTo(small);
    }

    @Test
    void presignedUrlsServeTheBlobWithTheGivenType() throws Exception {
        var presigning = blobs.capabilities().presigning();
        if (presigning.isEmpty()) return;
        byte[] data = bytes(4000, 9);
        blobs.put(BlobKeys.variant(19, "orig"), out -> out.write(data));
        var url = presigning.get().presign(BlobKeys.variant(19, "orig"), Duration.ofMinutes(5), "image/png");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(data);
            assertThat(r.headers().firstValue("Content-Type")).contains("image/png");
        }
    }
}
