package dev.mediaup.api.wire;

import dev.mediaup.core.Problems;
import io.javalin.http.Context;
import org.apache.commons.codec.binary.Base64OutputStream;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A multipart body read part by part, in order, with Jetty's multipart parser (a fast boundary search, fed from
 * the request stream in large reads). Fields are collected (bounded); the media part is written straight into the
 * sink handed to {@link #mediaTo}, so at most one read buffer of it is ever held in memory.
 */
public final class MultipartBody extends MultiPart.AbstractPartsListener {
    private static final int READ = 256 * 1024;
    private final InputStream in;
    private final MultiPart.Parser parser;
    private final byte[] buf = new byte[READ];
    public final Map<String, String> fields = new LinkedHashMap<>();

    private String part;                  // name of the part being parsed
    private boolean partIsMedia, mediaSeen, mediaIsBase64, complete;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private final ByteArrayOutputStream early = new ByteArrayOutputStream(); // media bytes parsed before the sink exists
    private OutputStream sink;
    private RuntimeException failure;     // from the parser or the listener, rethrown on the request thread
    private IOException sinkFailure;      // a storage error, never blamed on the client

    public MultipartBody(Context ctx) {
        this(ctx.header("Content-Type"), Bodies.requestBody(ctx));
    }

    /** A multipart body of this Content-Type (its boundary parameter) read from {@code in}. */
    public MultipartBody(String contentType, InputStream in) {
        String boundary;
        try {
            boundary = MultiPart.extractBoundary(contentType);
        } catch (IllegalArgumentException e) { // e.g. an unterminated quote
            boundary = null;
        }
        if (boundary == null || boundary.isEmpty())
            throw Problems.noBoundary(contentType);
        parser = new MultiPart.Parser(boundary, this);
        parser.setMaxParts(32);
        this.in = in;
    }

    /** Parses up to the start of the media part (or the end). Returns whether a media part is waiting. */
    public boolean toMedia() throws IOException {
        while (!complete && !mediaSeen) feed();
        return mediaSeen;
    }

    public boolean hasMedia() { return mediaSeen; }

    /** Streams the waiting media part into {@code out} (decoding base64 when it came as media_data), then the rest. */
    public void mediaTo(OutputStream out) throws IOException {
        sink = mediaIsBase64 ? new Base64OutputStream(out, false) : out; // v1.1's media_data: base64, decoded as it streams
        early.writeTo(sink);
        early.reset();
        while (!complete) feed();
        if (sink != out) sink.close(); // flushes the decoder's last bytes
    }

    private void feed() throws IOException {
        int n;
        try {
            n = in.read(buf);
        } catch (IOException e) {
            throw Problems.bodyEndedEarly();
        }
        parser.parse(n < 0 ? Content.Chunk.EOF : Content.Chunk.from(ByteBuffer.wrap(buf, 0, n), false));
        if (sinkFailure != null) throw sinkFailure;
        if (failure != null) throw failure;
        if (n < 0 && !complete) throw Problems.bodyEndedEarly();
    }

    @Override
    public void onPartHeaders() {
        try {
            part = getName();
        } catch (IllegalArgumentException e) { // Jetty's header-value parser: an unterminated quote
            failure = Problems.malformedMultipart("a part's Content-Disposition: " + e.getMessage());
            return;
        }
        if (part == null) { failure = Problems.malformedMultipart("a part has no name."); return; }
        partIsMedia = part.equals("media") || part.equals("media_data");
        if (partIsMedia) {
            if (mediaSeen) { failure = Problems.repeatedMedia(); return; }
            mediaSeen = true;
            mediaIsBase64 = part.equals("media_data");
        }
        field.reset();
    }

    @Override
    public void onPartContent(Content.Chunk chunk) {
        if (failure != null || sinkFailure != null) return;
        ByteBuffer b = chunk.getByteBuffer();
        // our chunks wrap a heap array: hand out slices of it instead of copying
        byte[] arr = b.hasArray() ? b.array() : new byte[b.remaining()];
        int off = b.hasArray() ? b.arrayOffset() + b.position() : 0, len = b.remaining();
        if (!b.hasArray()) b.get(arr);
        if (!partIsMedia) {
            if (field.size() + len > Bodies.MAX_FIELD) failure = Problems.fieldTooLong(part);
            else field.write(arr, off, len);
            return;
        }
        try {
            if (sink == null) early.write(arr, off, len);
            else sink.write(arr, off, len);
        } catch (IOException e) {
            sinkFailure = e;
        } catch (RuntimeException e) {
            failure = e; // e.g. the segment passed its size limit
        }
    }

    @Override
    public void onPartEnd() {
        super.onPartEnd();
        if (!partIsMedia && failure == null && fields.put(part, field.toString(StandardCharsets.UTF_8).trim()) != null)
            failure = Problems.repeated(part);
    }

    @Override
    public void onPart(String name, String fileName, HttpFields headers) { }

    @Override
    public void onComplete() {
        complete = true;
    }

    @Override
    public void onFailure(Throwable t) {
        if (failure == null) failure = Problems.malformedMultipart(t.getMessage());
    }
}
