package dev.mediaup.core;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Produces bytes into the stream it is given: how a request body travels from the socket to a blob without being
 * held anywhere (the API hands one to the engine, the engine to the blob store). Anything it throws aborts the write.
 */
@FunctionalInterface
public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
}
