package dev.mediaup.store;

import dev.mediaup.core.BodyWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where bytes live: upload segments and (later) derived files. Keys are built by mediaup from numeric ids only,
 * never from user input. A put is durable when it returns; a key is written once and never modified.
 */
public interface BlobStore extends AutoCloseable {

    /** Streams the writer's bytes into a new blob at {@code key}; returns the byte count once durable (fsynced). */
    long put(String key, BodyWriter writer) throws IOException;

    InputStream open(String key) throws IOException;

    /** The blob from byte {@code offset} on (ranged delivery); backends that can seek override this. */
    default InputStream open(String key, long offset) throws IOException {
        InputStream in = open(key);
        in.skipNBytes(offset);
        return in;
    }

    /** The blobs' bytes one after another, each opened only when the previous one is read to its end. */
    default InputStream openAll(List<String> keys) {
        var it = keys.iterator();
        return new SequenceInputStream(new Enumeration<>() {
            public boolean hasMoreElements() { return it.hasNext(); }
            public InputStream nextElement() {
                try {
                    return open(it.next());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    void delete(String key) throws IOException;

    /** Removes every blob under {@code prefix} (an upload's directory). */
    void deleteAll(String prefix) throws IOException;

    /**
     * Deletes what deleting media freed: the {@code freed} keys, then the whole {@code prefix} (what else an upload's
     * directory holds: spares, torn writes) unless blobs under it are still in use by other media — then what is left
     * there unreferenced is the orphan sweep's.
     */
    default void release(String prefix, Collection<String> freed, boolean prefixInUse) throws IOException {
        for (String key : freed) delete(key);
        if (!prefixInUse) deleteAll(prefix);
    }

    /**
     * Optional capability (a file store has it, an object store does not): a read-only window on a blob's bytes that
     * delivery hands to the socket without copying them through the heap.
     */
    interface Mappable {
        ByteBuffer map(String key, long offset, long length) throws IOException;
    }

    /**
     * Optional capability of stores on the local file system: the path of a blob, so a subprocess (ffmpeg) reads it in
     * place. Other stores copy the bytes to scratch space first.
     */
    interface Local {
        Path path(String key);
    }

    /** A stored blob and when it was last written (epoch seconds). */
    record Entry(String key, long modifiedAt) {}

    /** Every blob under {@code prefix} (for garbage collection: nothing on a request path lists). */
    List<Entry> list(String prefix) throws IOException;

    /** Usable free space in bytes, or Long.MAX_VALUE where the backend has no such notion. */
    long freeBytes();

    /**
     * Removes what writes a crash interrupted (never acknowledged, never referenced). The server calls this before it
     * serves; nothing else may, since a running server's writes in flight look the same.
     */
    default void removeTornWrites() throws IOException {}

    /**
     * Removes what an interrupted write left behind that is older than {@code before} (epoch seconds) — old enough
     * that no node can still be writing it (an object store's abandoned multipart uploads). Any node, any time.
     */
    default void removeAbandoned(long before) throws IOException {}

    /** Whether the store answers (readiness). */
    default boolean healthy() {
        return true;
    }

    /**
     * Optional capability of object stores: a time-limited URL of a blob that its clients may fetch directly, so
     * delivery can redirect instead of streaming the bytes through the server.
     */
    interface Presigning {
        /** {@code contentType}: what the store is to answer with (objects are stored untyped). */
        URI presign(String key, Duration ttl, String contentType);
    }

    /**
     * Optional capability of a store that hashes what it stores anyway (the S3 SDK signs every payload with its
     * SHA-256 over plain HTTP): a put that also returns the bytes' SHA-256, so the caller need not hash them again.
     */
    interface Hashing {
        record Hashed(long size, byte[] sha256) {}

        Hashed putHashed(String key, BodyWriter writer) throws IOException;
    }

    /** A blob and its size: one piece of a blob to assemble. */
    record Piece(String key, long size) {}

    /**
     * Optional capability of object stores: one new blob made of others, put together inside the store where it can
     * (S3: a multipart upload whose large parts are server-side copies of the pieces), so an upload's segments become
     * one object — one GET, one presigned URL — without their bytes passing through mediaup. The pieces stay.
     */
    interface Assembling {
        /** Writes the pieces' bytes one after another as a new blob at {@code key}; durable when it returns. */
        void assemble(String key, List<Piece> pieces) throws IOException;
    }

    /**
     * Optional capability of a store where naming a new blob is a durable write of its own (a file store: the
     * directory's fsync after the rename, on top of the bytes' fsync): blobs the store made ready ahead of time, in
     * the background, under a prefix that is about to get more (an upload's segments), which a {@link #put} then fills
     * in place — one fsync per put. Taken keys are the caller's to put exactly once, like a key of its own.
     */
    interface Reserving {
        /**
         * A key under {@code prefix} that is ready, or empty when none is yet (then put a key of your own); either way
         * the store makes more ready for the next call, naming them with {@code newKey}.
         */
        Optional<String> takeReserved(String prefix, Supplier<String> newKey);

        /** No more puts under {@code prefix} (its upload is finalized): what is ready there goes now, not minutes later. */
        void releaseReserved(String prefix);
    }

    /**
     * The optional capabilities a store has, each present or not, declared once by the store itself (tusd's
     * {@code UseIn(composer)}/{@code Capabilities()} idea): callers ask here, never with {@code instanceof}.
     */
    record Capabilities(Optional<Mappable> mappable, Optional<Local> local, Optional<Presigning> presigning, Optional<Hashing> hashing,
                        Optional<Assembling> assembling, Optional<Reserving> reserving) {
        public static final Capabilities NONE = new Capabilities(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        public Capabilities withMappable(Mappable m) {
            return new Capabilities(Optional.of(m), local, presigning, hashing, assembling, reserving);
        }

        public Capabilities withLocal(Local l) {
            return new Capabilities(mappable, Optional.of(l), presigning, hashing, assembling, reserving);
        }

        public Capabilities withPresigning(Presigning p) {
            return new Capabilities(mappable, local, Optional.of(p), hashing, assembling, reserving);
        }

        public Capabilities withHashing(Hashing h) {
            return new Capabilities(mappable, local, presigning, Optional.of(h), assembling, reserving);
        }

        public Capabilities withAssembling(Assembling a) {
            return new Capabilities(mappable, local, presigning, hashing, Optional.of(a), reserving);
        }

        public Capabilities withReserving(Reserving r) {
            return new Capabilities(mappable, local, presigning, hashing, assembling, Optional.of(r));
        }

        /** Their names, for the startup log and tests. */
        public List<String> names() {
            List<String> n = new ArrayList<>();
            mappable.ifPresent(x -> n.add("mappable"));
            local.ifPresent(x -> n.add("local"));
            presigning.ifPresent(x -> n.add("presigning"));
            hashing.ifPresent(x -> n.add("hashing"));
            assembling.ifPresent(x -> n.add("assembling"));
            reserving.ifPresent(x -> n.add("reserving"));
            return n;
        }
    }

    /** What this store can do beyond the core contract; none by default. */
    default Capabilities capabilities() {
        return Capabilities.NONE;
    }

    @Override
    default void close() {}
}
