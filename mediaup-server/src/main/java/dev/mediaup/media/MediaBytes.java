package dev.mediaup.media;

import dev.mediaup.core.Segment;
import dev.mediaup.core.Unavailable;
import dev.mediaup.store.BlobStore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Some bytes of a delivered file — a range of its segments — written to a response: as mapped windows straight to
 * the socket where the store maps files, else streamed. A file is its segments in order (nothing is concatenated), so a
 * range is the pieces of the segments it covers.
 */
public final class MediaBytes {
    private static final long MAP_WINDOW = 8L << 20;

    /** A piece of one segment blob: bytes [from, from+length) of {@code key}. */
    record Slice(String key, long from, long length) {}

    private final BlobStore blobs;
    private final List<Slice> slices;
    private final BlobStore.Mappable mappable;
    private InputStream first;

    private MediaBytes(BlobStore blobs, List<Slice> slices, BlobStore.Mappable mappable) {
        this.blobs = blobs;
        this.slices = slices;
        this.mappable = mappable;
    }

    /**
     * Bytes [offset, offset+length) of the file made of {@code segments}. The first piece is opened here, before the
     * caller sends a status or a Content-Length: an object store that does not answer is then an {@link Unavailable}
     * (a 503 the client can retry), not a 200 whose body stops short.
     */
    static MediaBytes of(BlobStore blobs, List<Segment> segments, long offset, long length) {
        var bytes = new MediaBytes(blobs, slices(segments, offset, length), blobs.capabilities().mappable().orElse(null));
        if (bytes.mappable == null && !bytes.slices.isEmpty()) bytes.first = bytes.open(bytes.slices.getFirst());
        return bytes;
    }

    /** The pieces of the segments that hold bytes [offset, offset+length) of the file, in order. */
    static List<Slice> slices(List<Segment> segments, long offset, long length) {
        List<Slice> out = new ArrayList<>();
        long pos = 0, end = offset + length;
        for (Segment s : segments) {
            long segStart = pos, segEnd = pos + s.size();
            pos = segEnd;
            if (segEnd <= offset || segStart >= end) continue;
            long from = Math.max(offset, segStart) - segStart;
            out.add(new Slice(s.blobKey(), from, Math.min(end, segEnd) - segStart - from));
        }
        return out;
    }

    /** Writes the bytes to {@code out}: mapped windows straight to the socket where the store allows. */
    public void writeTo(OutputStream out, Consumer<ByteBuffer> direct) throws IOException {
        for (Slice s : slices) {
            if (mappable != null && direct != null) {
                for (long p = 0; p < s.length(); p += MAP_WINDOW) direct.accept(mappable.map(s.key(), s.from() + p, Math.min(MAP_WINDOW,
                        s.length() - p)));
            } else {
                InputStream opened = first != null ? first : open(s);
                first = null;
                try (InputStream in = opened) {
                    byte[] buf = new byte[256 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
                }
            }
        }
    }

    private InputStream open(Slice s) {
        try {
            return limited(blobs.open(s.key(), s.from()), s.length());
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The blob store failed to read: an answer the client may retry (503), not a truncated body. */
    static Unavailable unreadable(IOException e) {
        return new Unavailable("blobs", "The blob store could not be read; try again.", e);
    }

    private static InputStream limited(InputStream in, long n) {
        return new FilterInputStream(in) {
            long left = n;

            @Override public int read() throws IOException {
                if (left <= 0) return -1;
                int b = super.read();
                if (b >= 0) left--;
                return b;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int r = super.read(b, off, (int) Math.min(len, left));
                if (r > 0) left -= r;
                return r;
            }
        };
    }
}
