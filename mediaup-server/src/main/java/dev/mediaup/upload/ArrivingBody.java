package dev.mediaup.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A request body as far as it arrives. A read that fails — the connection dropped, the body ended before its
 * Content-Length, the client fell silent past the idle timeout — ends the body here instead of failing the append, so
 * the bytes that did arrive are stored and recorded like any others (the resumable-upload draft: "append as much of
 * the request content as possible … without discontinuities"), and the offset the client learns next is one it never
 * has to send again. Failures of the writing side are not caught here: a disk that fails still fails the append.
 */
final class ArrivingBody {
    private static final int BUFFER = 256 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    /** A byte read ahead to learn whether the body has more; -1 when none is held. */
    private int ahead = -1;
    private boolean ended;
    private boolean interrupted;

    ArrivingBody(InputStream in) {
        this.in = in;
    }

    /** Whether the body stopped because reading it failed rather than at its end. */
    boolean interrupted() {
        return interrupted;
    }

    /** Whether the body has ended (at its end, or cut off), as far as it has been read. */
    boolean ended() {
        return ended;
    }

    /** Whether nothing more will come; waits for the next byte to learn it. */
    boolean atEnd() {
        if (ended || ahead >= 0) return ended;
        int b = read(buffer, 0, 1);
        if (b > 0) ahead = buffer[0] & 0xff;
        return ended;
    }

    /** Copies the next bytes of the body, at most {@code max}, to {@code out}; how many it copied. */
    long copy(OutputStream out, long max) throws IOException {
        long copied = 0;
        if (ahead >= 0 && max > 0) {
            out.write(ahead);
            ahead = -1;
            copied = 1;
        }
        while (copied < max && !ended) {
            int n = read(buffer, 0, (int) Math.min(buffer.length, max - copied));
            if (n > 0) {
                out.write(buffer, 0, n);
                copied += n;
            }
        }
        return copied;
    }

    private int read(byte[] b, int off, int len) {
        try {
            int n = in.read(b, off, len);
            if (n < 0) ended = true;
            return n;
        } catch (IOException e) {
            ended = true;
            interrupted = true;
            return -1;
        }
    }
}
