package dev.mediaup.store.file;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Failpoint;
import dev.mediaup.store.BlobStore;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;


/**
 * Blobs as files under one root. A put writes a temp file, fsyncs it, renames it into place and fsyncs the
 * directory, so after a crash a key either holds its complete bytes or does not exist. A put of a reserved key (see
 * {@link Spares}) fills a file whose name is already durable and fsyncs only its bytes: after a crash that key may hold
 * a torn write, but nothing refers to a key whose put did not return.
 */
public final class FileBlobStore implements BlobStore, BlobStore.Mappable, BlobStore.Local, BlobStore.Reserving {
    // Keys are ours (digits, slashes, dots), but the check makes "never a path from user input" hold by construction.
    private static final Pattern KEY = Pattern.compile("[a-z0-9]+(/[a-z0-9][a-z0-9._-]*)*");

    private final Path root;
    // statvfs(2) on the root, asked directly: Files.getFileStore parses /proc/mounts first (milliseconds per append), and
    // fails with "Mount point not found" where the mounts it lists are not this process's view (a chroot)
    private final File statvfs;

    // Mappings of recently read blobs. Blobs never change in place (a put renames a new file over its key, and
    // invalidates here), so a mapping shows exactly the bytes its key holds. Dropped a minute after their last read or
    // beyond 64 GiB of address space (weights in MiB); the GC unmaps them (a deleted blob's disk space comes back then,
    // not at the unlink). Not heap: the pages are the page cache's.
    private final Cache<String, MappedByteBuffer> mappings = Caffeine.newBuilder()
            .maximumWeight(64 * 1024).weigher((String k, MappedByteBuffer b) -> 1 + (b.capacity() >>> 20))
            .expireAfterAccess(Duration.ofMinutes(1)).build();

    private final Spares spares = new Spares(this::path);
    private final int directBlock; // what direct writes must be multiples of; 0: through the page cache (DirectIo)

    public FileBlobStore(Path root) throws IOException {
        this(root, true);
    }

    /** A store that writes blobs through the page cache even where direct I/O would do (tests of that path). */
    FileBlobStore(Path root, boolean directIo) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.statvfs = this.root.toFile();
        this.directBlock = directIo ? DirectIo.probe(this.root) : 0;
    }

    /** Whether blobs bypass the page cache as they are written. */
    boolean writesDirect() {
        return directBlock > 0;
    }

    /**
     * Files can be mapped (delivery without copies), read in place by a subprocess (ffmpeg), and reserved ahead (a
     * directory entry's fsync is a write of its own).
     */
    @Override
    public Capabilities capabilities() {
        return Capabilities.NONE.withMappable(this).withLocal(this).withReserving(this);
    }

    @Override
    public Optional<String> takeReserved(String prefix, Supplier<String> newKey) {
        path(prefix); // checked like any key
        return spares.take(prefix, newKey);
    }

    @Override
    public void releaseReserved(String prefix) {
        spares.forget(prefix);
    }

    /** Temp files are the writes a crash interrupted. */
    @Override
    public void removeTornWrites() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(".")
                    && p.getFileName().toString().contains(".tmp")).toList())
                Files.deleteIfExists(p);
        }
    }

    @Override
    public Path path(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..")) throw new IllegalArgumentException("bad blob key " + key);
        return root.resolve(key);
    }

    @Override
    public long put(String key, BodyWriter writer) throws IOException {
        Path target = path(key);
        if (spares.claim(key)) {
            FileChannel spare = openSpare(target);
            if (spare != null) return fillInPlace(spare, target, writer);
        }
        Path dir = target.getParent();
        Spares.ensureDirectory(dir); // the new directory's entry must survive a crash too
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
            long count = write(ch, tmp, writer);
            Failpoint.FILE_BEFORE_FSYNC.hit();
            ch.force(true);
            Failpoint.FILE_BEFORE_RENAME.hit();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            mappings.invalidate(key); // a mapping of what the key held before
            Failpoint.FILE_BEFORE_DIR_FSYNC.hit();
            Spares.fsyncDirectory(dir);
            return count;
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Streams the writer's bytes into the channel from a direct buffer; returns their count once all are written. */
    private long write(FileChannel ch, Path file, BodyWriter writer) throws IOException {
        try (FileChannel direct = DirectIo.open(file, directBlock); ChannelWriter buffered = new ChannelWriter(ch, direct, directBlock);
             WriteOut out = new WriteOut(buffered, ch, file)) {
            writer.writeTo(out);
            buffered.finish();
            return out.count;
        }
    }

    /** The spare, or null when it was dropped before its put (its upload deleted): then a file of its own, as usual. */
    private static FileChannel openSpare(Path target) throws IOException {
        try {
            return FileChannel.open(target, WRITE);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** A spare's put: its name is durable already, so the bytes' fdatasync (their new size included) is the only one. */
    private long fillInPlace(FileChannel ch, Path target, BodyWriter writer) throws IOException {
        try (ch) {
            long count = write(ch, target, writer);
            Failpoint.FILE_IN_PLACE_BEFORE_FSYNC.hit();
            ch.force(false);
            return count;
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(path(key));
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        FileChannel ch = FileChannel.open(path(key), READ);
        ch.position(offset);
        return Channels.newInputStream(ch);
    }

    /**
     * A window of the blob, from a mapping of the whole file kept while it is being read: many small ranged reads of one
     * file (players seeking, a CDN filling its cache) then slice one mapping instead of each mapping its window and
     * leaving it to be unmapped later, the page faults and TLB flushes that made small ranges cost more than their bytes.
     */
    @Override
    public ByteBuffer map(String key, long offset, long length) throws IOException {
        Path file = path(key);
        MappedByteBuffer whole = mappings.getIfPresent(key);
        if (whole == null || offset + length > whole.capacity()) {
            try (FileChannel ch = FileChannel.open(file, READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE) // larger than one buffer can be: just this window
                    return ch.map(FileChannel.MapMode.READ_ONLY, offset, length); // stays valid after the channel closes
                whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            mappings.put(key, whole);
        }
        if (offset + length > whole.capacity()) throw new IOException("range " + offset + "+" + length + " is beyond " + key);
        return whole.slice((int) offset, (int) length);
    }

    @Override
    public void delete(String key) throws IOException {
        mappings.invalidate(key);
        Files.deleteIfExists(path(key));
    }

    @Override
    public void deleteAll(String prefix) throws IOException {
        spares.forget(prefix);
        mappings.asMap().keySet().removeIf(k -> k.startsWith(prefix + "/"));
        Path dir = path(prefix);
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        Path dir = path(prefix);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Entry> out = new ArrayList<>();
            for (Path p : walk.filter(Files::isRegularFile).toList())
                out.add(new Entry(root.relativize(p).toString().replace('\\', '/'),
                        Files.getLastModifiedTime(p).toInstant().getEpochSecond()));
            return out;
        }
    }

    @Override
    public long freeBytes() {
        return statvfs.getUsableSpace(); // 0 if it cannot be asked: appends are then refused as "low on storage"
    }
}
