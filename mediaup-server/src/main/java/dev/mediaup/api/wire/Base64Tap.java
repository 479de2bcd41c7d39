package dev.mediaup.api.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A JSON body on its way to Jackson, with the top-level {@code "media"} member's base64 decoded here in bulk. Jackson
 * decodes base64 a character at a time (~680 MB/s of text here); the JDK's decoder takes blocks with vector
 * instructions, so X's own SDK, which sends every segment as base64 JSON, is not held up by it.
 *
 * <p>Only what is certain is taken: from the value's first character, whole 4-character units of the base64 alphabet.
 * At the first anything else — the closing quote, padding, an escape, white space, a character outside the alphabet —
 * Jackson gets the rest of the value, the unit begun included, and decodes it exactly as it decoded whole values
 * before. Base64 units are decoded one by one, so the bytes are the same, and so is every error, which stays Jackson's.
 * Everything outside the value passes through: Jackson still parses the whole document.
 */
final class Base64Tap extends InputStream {
    /** Characters decoded per call (3 KiB of bytes): a fixed size, so one array serves every call. */
    private static final int BLOCK = 4096;
    private static final byte[] NAME = "media".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final OutputStream media;
    private final byte[] buf = new byte[64 * 1024];
    private int pos, lim;
    private final byte[] block = new byte[BLOCK];
    private final byte[] decoded = new byte[BLOCK / 4 * 3];
    private final Base64.Decoder decoder = Base64.getDecoder();

    // where the document is, outside the media value
    private int depth;
    private boolean inString, escaped;
    private boolean nameNext;   // in the top-level object, after '{' or ',': a string here is a member's name
    private int nameMatched = -1; // characters of the name being read that match "media" so far, or -1
    private int afterMedia;     // the name was "media": 1 while a ':' is due, 2 while the value is
    private boolean tapping, tapped, started;

    /** Reads {@code in}, decoding the top-level "media" string's plain base64 into {@code media}. */
    Base64Tap(InputStream in, OutputStream media) {
        this.in = in;
        this.media = media;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!started) { // Jackson reads UTF-16 and UTF-32 too, told by a byte order mark or zero bytes up front: left to it
            started = true;
            while (lim < 4 && fill()) { }
            boolean utf16Mark = lim >= 2
                    && (buf[0] == (byte) 0xfe && buf[1] == (byte) 0xff || buf[0] == (byte) 0xff && buf[1] == (byte) 0xfe);
            boolean zero = false;
            for (int i = 0; i < Math.min(lim, 4); i++) zero |= buf[i] == 0;
            if (utf16Mark || zero) tapped = true; // as if the value had been met: nothing is taken
        }
        while (true) {
            if (pos == lim && !fill()) return -1;
            if (tapping) {
                take();
                continue;
            }
            int n = 0;
            while (n < len && pos < lim && !tapping) {
                if (inString && !escaped) { // the inside of a string in one copy, up to its next quote or backslash
                    int run = delimiter(buf, pos, Math.min(lim, pos + len - n), false) - pos;
                    if (run > 0) {
                        System.arraycopy(buf, pos, b, off + n, run);
                        if (nameMatched >= 0) for (int i = 0; i < run; i++) name(buf[pos + i]);
                        pos += run;
                        n += run;
                        continue;
                    }
                }
                byte c = buf[pos++];
                b[off + n++] = c;
                lex(c);
            }
            return n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads more after what is left unread (moved to the front); false at the end of the body. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) return false;
        lim += n;
        return true;
    }

    /**
     * Decodes whole units of plain base64 from {@link #pos}: all of them up to the first other character, which ends
     * the tap; or, when the run reaches past what is buffered, whole blocks of them, the rest kept for the next read.
     */
    private void take() throws IOException {
        int stop = delimiter(buf, pos, lim, true);
        boolean ends = stop < lim;
        int end = ends ? pos + ((stop - pos) & ~3) : pos + (stop - pos) / BLOCK * BLOCK;
        while (pos < end) {
            int n = Math.min(BLOCK, end - pos);
            byte[] src = n == BLOCK ? block : new byte[n];
            System.arraycopy(buf, pos, src, 0, n);
            int k;
            try {
                k = decoder.decode(src, decoded);
            } catch (IllegalArgumentException e) { // a character outside the alphabet in this block: Jackson's to judge
                tapping = false;
                return;
            }
            media.write(decoded, 0, k);
            pos += n;
        }
        if (ends) tapping = false;
        else if (!fill()) tapping = false; // the body ends inside the value: Jackson says so
    }

    /** Follows the document outside the tapped value, one character at a time. */
    private void lex(byte c) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') {
                inString = false;
                if (nameMatched == NAME.length) afterMedia = 1;
            } else {
                name(c);
                return;
            }
            nameMatched = -1; // an escape in a name: not the plain "media" this takes
            return;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return;
        if (afterMedia == 1) {
            afterMedia = c == ':' ? 2 : 0;
            if (c == ':') return;
        } else if (afterMedia == 2) {
            afterMedia = 0;
            if (c == '"' && depth == 1 && !tapped) {
                inString = true;
                tapped = tapping = true;
                return;
            }
        }
        switch (c) {
            case '"' -> {
                inString = true;
                nameMatched = nameNext && depth == 1 && !tapped ? 0 : -1;
                nameNext = false;
            }
            case '{' -> nameNext = ++depth == 1;
            case '[' -> {
                depth++;
                nameNext = false;
            }
            case '}', ']' -> {
                depth--;
                nameNext = false;
            }
            case ',' -> nameNext = depth == 1;
            default -> nameNext = false;
        }
    }

    /** One more character of a member's name. */
    private void name(byte c) {
        if (nameMatched >= 0) nameMatched = nameMatched < NAME.length && c == NAME[nameMatched] ? nameMatched + 1 : -1;
    }

    /**
     * The index of the first quote or backslash in {@code b[from, to)} — with {@code base64}, of padding and of any
     * byte up to a space too — or {@code to}: eight bytes at a time, each compared at once (SWAR), for base64 runs of
     * megabytes.
     */
    static int delimiter(byte[] b, int from, int to, boolean base64) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long v = (long) LONGS.get(b, i);
            long hit = zeroByte(v ^ 0x2222222222222222L) | zeroByte(v ^ 0x5c5c5c5c5c5c5c5cL);
            if (base64) hit |= zeroByte(v ^ 0x3d3d3d3d3d3d3d3dL) | (v - 0x2121212121212121L) & ~v;
            if ((hit & 0x8080808080808080L) == 0) continue;
            for (int j = i; j < i + 8; j++) if (delimits(b[j], base64)) return j;
            // a borrow's false hint: on to the next eight
        }
        for (; i < to; i++) if (delimits(b[i], base64)) return i;
        return to;
    }

    private static boolean delimits(byte b, boolean base64) {
        int c = b & 0xff;
        return c == '"' || c == '\\' || base64 && (c == '=' || c <= ' ');
    }

    /** The high bit set in each byte of {@code v} that is zero (and maybe in some above one that is: only a hint). */
    private static long zeroByte(long v) {
        return (v - 0x0101010101010101L) & ~v;
    }
}
