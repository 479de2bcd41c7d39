package dev.mediaup.processing;

import dev.mediaup.config.ScanUrl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clamd client: INSTREAM (the bytes streamed in chunks, the verdict read back), PING and VERSION, on clamd's Unix
 * socket or TCP. Written here rather than taken from a library: the one Java client on Maven Central speaks TCP only,
 * has no time bounds and brings a Kotlin runtime; the protocol is a handful of lines (clamd's manual, "INSTREAM").
 *
 * <p>Every exchange is bounded: a watchdog closes the connection at its deadline, which unblocks any read or write.
 * Whatever is not a clear verdict — no answer, a hang, garbage, clamd's own ERROR (a size limit, a broken database)
 * — is {@link Down}: never taken as clean.
 */
public final class Clamd {
    /** clamd's own default chunk limit is far above this; one chunk per 64 KiB keeps memory flat. */
    private static final int CHUNK = 64 * 1024;
    private static final Duration SHORT = Duration.ofSeconds(3);
    /** A scan may take this long, plus a second per this many bytes (clamd scans tens of MB/s on one core). */
    private static final Duration BASE = Duration.ofSeconds(30);
    private static final long BYTES_PER_SECOND = 8L << 20;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("clamd-watchdog").factory());

    /** What clamd said of the bytes. */
    public sealed interface Verdict {
        record Clean() implements Verdict {}

        /** {@code signature}: what clamd found, e.g. "Eicar-Test-Signature". */
        record Infected(String signature) implements Verdict {}
    }

    /** clamd did not give a verdict: down, hung, or answering something else. The media waits; it is never let through. */
    public static final class Down extends IOException {
        public Down(String message) {
            super(message);
        }
    }

    private final ScanUrl url;
    private final AtomicReference<Cached> version = new AtomicReference<>();

    private record Cached(String value, long atNanos) {}

    public Clamd(ScanUrl url) {
        this.url = url;
    }

    public ScanUrl url() {
        return url;
    }

    /** Streams {@code in} ({@code size} bytes, for the time bound) to clamd and returns its verdict. */
    public Verdict scan(InputStream in, long size) throws Down {
        String reply = exchange("zINSTREAM\0", in, BASE.plusSeconds(size / BYTES_PER_SECOND));
        // "stream: OK", "stream: <signature> FOUND", or "<why> ERROR"
        if (reply.equals("stream: OK")) return new Verdict.Clean();
        if (reply.startsWith("stream: ") && reply.endsWith(" FOUND")) {
            String sig = reply.substring("stream: ".length(), reply.length() - " FOUND".length()).strip();
            if (!sig.isEmpty() && sig.length() <= 200) return new Verdict.Infected(sig);
        }
        throw new Down("clamd at " + url + " answered " + printable(reply));
    }

    /** Whether clamd answers PING (readiness). */
    public String whyDown() {
        try {
            String r = exchange("zPING\0", null, SHORT);
            return r.equals("PONG") ? null : "clamd at " + url + " answered " + printable(r);
        } catch (Down e) {
            return e.getMessage();
        }
    }

    /**
     * The engine and signature database clamd runs (e.g. "ClamAV 1.0.7/27480/…"), asked at most once a minute: a clean
     * verdict is remembered for these bytes under this version only, so new signatures mean a new scan.
     */
    public String version() throws Down {
        Cached c = version.get();
        if (c != null && System.nanoTime() - c.atNanos() < 60_000_000_000L) return c.value();
        String v = exchange("zVERSION\0", null, SHORT);
        if (v.isEmpty() || v.length() > 200) throw new Down("clamd at " + url + " answered VERSION with " + printable(v));
        version.set(new Cached(v, System.nanoTime()));
        return v;
    }

    private String exchange(String command, InputStream body, Duration within) throws Down {
        SocketChannel ch = null;
        var watchdog = new AtomicReference<SocketChannel>();
        var timer = WATCHDOG.schedule(() -> closeQuietly(watchdog.get()), within.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ch = url.socket() != null ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            watchdog.set(ch);
            ch.connect(url.socket() != null ? UnixDomainSocketAddress.of(url.socket()) : new InetSocketAddress(url.host(), url.port()));
            write(ch, ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
            if (body != null) stream(ch, body);
            return readReply(ch);
        } catch (IOException e) {
            if (e instanceof Down d) throw d;
            throw new Down("clamd at " + url + " " + (timer.isDone() ? "gave no verdict within " + within.toSeconds() + " s"
                    : "cannot be reached: " + e.getMessage()));
        } finally {
            timer.cancel(false);
            closeQuietly(ch);
        }
    }

    private static void stream(SocketChannel ch, InputStream body) throws IOException {
        byte[] buf = new byte[CHUNK];
        ByteBuffer len = ByteBuffer.allocate(4);
        for (int n; (n = body.readNBytes(buf, 0, CHUNK)) > 0; ) {
            write(ch, len.clear().putInt(n).flip());
            write(ch, ByteBuffer.wrap(buf, 0, n));
        }
        write(ch, len.clear().putInt(0).flip()); // the end of the stream
    }

    /** The reply up to its NUL (clamd's z-commands end their answers so), at most 1 KiB. */
    private static String readReply(SocketChannel ch) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (in.hasRemaining()) {
            if (ch.read(in) < 0) break;
            for (int i = 0; i < in.position(); i++)
                if (in.get(i) == 0) return new String(in.array(), 0, i, StandardCharsets.US_ASCII).strip();
        }
        throw new Down("clamd ended its answer without a verdict: " + printable(new String(in.array(), 0, in.position(),
                StandardCharsets.US_ASCII)));
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return "\"" + (t.length() > 120 ? t.substring(0, 120) + "…" : t) + "\"";
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
