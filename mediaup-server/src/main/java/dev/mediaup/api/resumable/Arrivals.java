package dev.mediaup.api.resumable;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.SelectorManager;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each request began to arrive, as {@link InFlight} orders requests about one upload. Jetty's own begin time is
 * when it began to parse the request, and two connections are not parsed in the order their bytes came: a client
 * that drops a transfer and at once asks where its upload stands may have that question handled first. A connection's
 * acceptance is in order (the client opened it after the one it dropped), so the first request on a connection is
 * dated by when its connection was accepted; later ones on a kept-alive connection by Jetty's begin time.
 */
public final class Arrivals implements SelectorManager.AcceptListener {
    private static final String BEGAN = "mediaup.began";

    private final ConcurrentHashMap<SelectableChannel, Long> accepted = new ConcurrentHashMap<>();

    @Override
    public void onAccepted(SelectableChannel channel) {
        accepted.put(channel, System.nanoTime());
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        accepted.remove(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        accepted.remove(channel);
    }

    /**
     * Runs as every request starts, so that only a connection's first request is dated by its acceptance: that one
     * takes the date (an attribute of the request), later ones find none and are dated by Jetty's begin time.
     */
    public void date(Context ctx) {
        Object transport = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection()
                .getEndPoint().getTransport();
        Long at = transport instanceof SelectableChannel c ? accepted.remove(c) : null;
        if (at != null) ctx.attribute(BEGAN, at);
    }

    /** When the request began to arrive (System.nanoTime), as {@link #date} found it. */
    static long began(Context ctx) {
        Long at = ctx.attribute(BEGAN);
        return at != null ? at : ServletContextRequest.getServletContextRequest(ctx.req()).getBeginNanoTime();
    }
}
