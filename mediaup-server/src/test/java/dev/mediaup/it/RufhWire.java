package dev.mediaup.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A resumable-upload client written from the draft's text (draft-ietf-httpbis-resumable-upload, interop version 8)
 * on a plain socket, because it must see what Java's HttpClient hides: the 1xx interim responses, each with its
 * fields. It sends a request's head, may wait for the 104 before the body (the draft's "careful" client), sends the
 * body — or only its first bytes and then drops the connection (a reset, as a dying network does) — and reads every
 * response to the end.
 */
final class RufhWire {
    static final String INTEROP = "8";

    /** One response: its status, fields (names in any case) and content. */
    record Response(int status, Map<String, String> fields, byte[] body) {
        String field(String name) {
            return fields.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * What came back: the interim responses, then the final one — null when the client dropped the connection, or when
     * the connection failed ({@code failure}: the server died).
     */
    record Exchange(List<Response> interim, Response last, IOException failure) {
        Exchange(List<Response> interim, Response last) {
            this(interim, last, null);
        }
    }

    private final String host;
    private final int port;

    RufhWire(String baseUrl) {
        URI u = URI.create(baseUrl);
        this.host = u.getHost();
        this.port = u.getPort();
    }

    /**
     * Sends {@code method target} with {@code fields} and {@code body[from, to)} (a Content-Length of to - from; no body
     * when {@code body} is null). With {@code dropAfter} ≥ 0 only that many bytes of it go out before the connection is
     * reset. With {@code awaitInterim} the body waits for the first response (a 104 when the server offers resumption).
     */
    Exchange send(String method, String target, List<String> fields, byte[] body, int from, int to, int dropAfter,
                  boolean awaitInterim) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n");
            for (String f : fields) head.append(f).append("\r\n");
            if (body != null) head.append("Content-Length: ").append(to - from).append("\r\n");
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<Response> interim = new ArrayList<>();
            try {
                return exchange(s, in, out, method, interim, body, from, to, dropAfter, awaitInterim);
            } catch (IOException e) {
                if (interim.isEmpty()) throw e;
                return new Exchange(interim, null, e); // what the client learned before the connection failed still counts
            }
        }
    }

    private static Exchange exchange(Socket s, InputStream in, OutputStream out, String method, List<Response> interim, byte[] body,
                                     int from, int to, int dropAfter, boolean awaitInterim) throws IOException {
        if (awaitInterim) {
            Response first = read(in, method);
            if (first.status() >= 200) return new Exchange(interim, first);
            interim.add(first);
        }
        if (body != null) {
            int end = dropAfter >= 0 ? Math.min(to, from + dropAfter) : to;
            try {
                out.write(body, from, end - from);
                out.flush();
            } catch (IOException refusedMidBody) {
                // the server answered without reading all of it: its answer is read below
            }
            if (dropAfter >= 0 && end < to) {
                s.setSoLinger(true, 0); // a reset, not a clean close: the server sees the transfer die
                return new Exchange(interim, null);
            }
        }
        while (true) {
            Response r = read(in, method);
            if (r.status() >= 200) return new Exchange(interim, r);
            interim.add(r);
        }
    }

    /** One response off the connection: status line, fields, and content when it has some. */
    static Response read(InputStream in, String method) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("the connection closed before a response");
        int code = Integer.parseInt(status.split(" ", 3)[1]);
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            fields.merge(l.substring(0, colon).trim(), l.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        if (code < 200 || code == 204 || code == 304 || method.equals("HEAD")) return new Response(code, fields, new byte[0]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(fields.get("Transfer-Encoding"))) {
            for (int n = Integer.parseInt(line(in).split(";")[0].trim(), 16); n > 0; n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
            line(in);
        } else if (fields.containsKey("Content-Length")) {
            body.write(in.readNBytes(Integer.parseInt(fields.get("Content-Length"))));
        }
        return new Response(code, fields, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String l = b.toString(StandardCharsets.US_ASCII);
                return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }
}
