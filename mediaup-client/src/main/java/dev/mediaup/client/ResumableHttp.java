package dev.mediaup.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import static dev.mediaup.client.Transport.data;
import static dev.mediaup.client.Transport.enc;

/**
 * Resumable Uploads for HTTP (the IETF draft, interop version 8) as this client speaks it to mediaup: discovered by
 * OPTIONS (a server that offers it answers with Upload-Limit), then a "careful" creation — an empty POST to the
 * one-shot endpoint that makes the upload resource and names it in Location (Java's HttpClient does not show the 104
 * interim responses an "optimistic" creation would rely on) — and one PATCH with the whole file. When the transfer
 * drops or the server fails, the client asks the resource where the upload stands (HEAD) and sends the rest from there,
 * as often as its retries allow; the completing PATCH answers what the one-shot upload answers.
 */
final class ResumableHttp {
    static final String INTEROP = "8";
    private static final String PARTIAL_UPLOAD = "application/partial-upload";

    private final Transport transport;
    private final int maxRetries;

    ResumableHttp(Transport transport, int maxRetries) {
        this.transport = transport;
        this.maxRetries = maxRetries;
    }

    /** Whether the server offers resumable uploads for this category (OPTIONS with Upload-Limit); X's never does. */
    boolean offered(String category) {
        if (transport.isX()) return false;
        try {
            var r = transport.exchange("OPTIONS", "/2/media/upload" + (category == null ? "" : "?media_category=" + enc(category)), null,
                    null, "Upload-Draft-Interop-Version", INTEROP);
            return r.statusCode() / 100 == 2 && r.headers().firstValue("Upload-Limit").isPresent();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The upload resource (its path) for a file of {@code size} bytes, made by an empty POST. */
    String create(String type, String category, long size) {
        String query = "?media_type=" + enc(type) + (category == null ? "" : "&media_category=" + enc(category));
        var r = transport.respond("POST", "/2/media/upload" + query, type, () -> HttpRequest.BodyPublishers.noBody(),
                "Upload-Draft-Interop-Version", INTEROP, "Upload-Complete", "?0", "Upload-Length", Long.toString(size));
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new MediaException(r.statusCode(), null, "the creation named no upload resource", null));
        return URI.create(location).getRawPath();
    }

    /**
     * Sends {@code file} to the upload resource from {@code offset} on, resuming after each failure from where the
     * server stands; X's media object from the completing answer.
     */
    Map<String, Object> send(String resource, Path file, long size, long offset, MediaClient.ProgressListener listener,
                             BooleanSupplier cancelled) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            if (cancelled.getAsBoolean()) throw new CancellationException();
            MediaException failed;
            try {
                var r = patch(resource, file, size, offset, listener);
                if (r.statusCode() / 100 == 2) return data(r.body());
                failed = Transport.failure("PATCH", resource, r);
                // another offset than this client's (a transfer it gave up on landed after all): carry on from there
                if (r.statusCode() != 409 && !failed.retryable()) throw failed;
            } catch (IOException e) {
                failed = new MediaException(0, null, "PATCH " + resource + " failed: " + Transport.why(e), e);
            }
            if (attempt >= maxRetries) throw failed;
            Thread.sleep(Transport.backoffMillis(attempt));
            var at = transport.respond("HEAD", resource, null, null, "Upload-Draft-Interop-Version", INTEROP);
            offset = Long.parseLong(at.headers().firstValue("Upload-Offset").orElse("0"));
            listener.bytesSent(offset, size);
        }
    }

    /** The offset of an upload resource (HEAD), or -1 when the server has none of that name for this caller. */
    long offset(String resource) {
        try {
            var r = transport.exchange("HEAD", resource, null, null, "Upload-Draft-Interop-Version", INTEROP);
            return r.statusCode() / 100 == 2 ? Long.parseLong(r.headers().firstValue("Upload-Offset").orElse("-1")) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** One append of the rest of the file, Upload-Complete: ?1, progress reported as the body is read. */
    private HttpResponse<byte[]> patch(String resource, Path file, long size, long offset, MediaClient.ProgressListener listener)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher rest = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                InputStream in = Files.newInputStream(file);
                in.skipNBytes(offset);
                return new Counting(in, offset, size, listener);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), size - offset);
        return transport.exchange("PATCH", resource, PARTIAL_UPLOAD, rest, "Upload-Draft-Interop-Version", INTEROP,
                "Upload-Offset", Long.toString(offset), "Upload-Complete", "?1");
    }

    /** The file as it is read for sending, telling the listener how far it got. */
    private static final class Counting extends FilterInputStream {
        private final long size;
        private final MediaClient.ProgressListener listener;
        private long at;

        Counting(InputStream in, long from, long size, MediaClient.ProgressListener listener) {
            super(in);
            this.at = from;
            this.size = size;
            this.listener = listener;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) listener.bytesSent(at += n, size);
            return n;
        }
    }
}
