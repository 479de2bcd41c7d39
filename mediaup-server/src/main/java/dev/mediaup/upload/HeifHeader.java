package dev.mediaup.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The size of a HEIF picture (HEIC, AVIF) read from its header, before anything decodes it: the largest image
 * spatial extent ({@code ispe}) among the item properties in {@code meta/iprp/ipco} — for a grid (a phone's photo is
 * 512-px tiles) that is the grid's own, the whole picture. Bounded: at most {@link #MAX_HEADER} bytes are read and a
 * few thousand boxes looked at, so a file that only pretends to be HEIF costs nothing.
 */
final class HeifHeader {
    private HeifHeader() {}

    /** Where a HEIF file's header must end: every encoder writes {@code meta} before the pixels. */
    static final int MAX_HEADER = 4 << 20;
    private static final int MAX_BOXES = 4096;

    /** Unsigned 32-bit sides, as the box stores them: a product that exceeds any limit is still a product. */
    record Size(long width, long height) {
        long pixels() {
            return width * height;
        }
    }

    /** The picture's size, or empty when no {@code ispe} is found in the header. */
    static Optional<Size> read(InputStream in) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(in.readNBytes(MAX_HEADER));
        int[] budget = {MAX_BOXES};
        return largest(b, 0, b.limit(), 0, budget);
    }

    /** Walks the boxes in [from, to), descending into meta, iprp and ipco; the largest ispe found. */
    private static Optional<Size> largest(ByteBuffer b, int from, int to, int depth, int[] budget) {
        Size best = null;
        int at = from;
        while (at + 8 <= to && budget[0]-- > 0) {
            long size = Integer.toUnsignedLong(b.getInt(at));
            String type = fourCc(b, at + 4);
            int header = 8;
            if (size == 1) {
                if (at + 16 > to) break;
                size = b.getLong(at + 8);
                header = 16;
            } else if (size == 0) {
                size = to - at;
            }
            if (size < header || size > to - at) size = to - at; // cut off by the read bound: what is there still counts
            int body = at + header, end = (int) (at + size);
            Size found = switch (type) {
                case "meta" -> depth == 0 ? largest(b, body + 4, end, depth + 1, budget).orElse(null) : null; // a full box
                case "iprp", "ipco" -> depth > 0 && depth < 3 ? largest(b, body, end, depth + 1, budget).orElse(null) : null;
                case "ispe" -> depth == 3 && body + 12 <= end
                        ? new Size(Integer.toUnsignedLong(b.getInt(body + 4)), Integer.toUnsignedLong(b.getInt(body + 8))) : null;
                default -> null;
            };
            if (found != null && found.pixels() > 0 && (best == null || found.pixels() > best.pixels())) best = found;
            at = end;
        }
        return Optional.ofNullable(best);
    }

    private static String fourCc(ByteBuffer b, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) c[i] = (char) (b.get(at + i) & 0xFF);
        return new String(c);
    }
}
