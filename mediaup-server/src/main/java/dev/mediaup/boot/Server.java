package dev.mediaup.boot;

import dev.mediaup.api.Cors;
import dev.mediaup.api.Routes;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.config.HttpConfig;
import dev.mediaup.config.ServeConfig;
import io.javalin.Javalin;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.LongSupplier;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** A running node: its services ({@link Services}), the HTTP listeners in front of them and the background loops. */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final Javalin app;
    private final Services services;
    private final BackgroundLoops loops;
    private final GracefulHandler graceful;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Server(Javalin app, GracefulHandler graceful, Services services, BackgroundLoops loops) {
        this.app = app;
        this.graceful = graceful;
        this.services = services;
        this.loops = loops;
    }

    /**
     * How long a connection may be silent. Longer than the longest request that is silent by design — a STATUS long
     * poll waits up to 30 s before it answers — so the poll answers and the connection is not cut under it (with
     * Jetty's 30 s default the two raced, and a busy machine sometimes let the timeout win); a stalled upload body is
     * still cut after this long.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * What a node is for. {@code API}: the public API and, unless {@code --workers 0}, its own share of the jobs;
     * {@code WORKER}: the jobs (processing, webhooks, sweeps) and only /healthz, /readyz and /metrics on its port.
     */
    public enum Role { API, WORKER }

    public static Server start(ServeConfig config) throws IOException {
        return start(config, Role.API);
    }

    public static Server start(ServeConfig config, Role role) throws IOException {
        return start(config, role, () -> System.currentTimeMillis() / 1000);
    }

    public static Server start(ServeConfig config, LongSupplier clock) throws IOException {
        return start(config, Role.API, clock);
    }

    /**
     * A server whose rules of time (expiry, retention, leases, backoff) follow {@code clock}, in epoch seconds: the
     * system clock in production; tests run time forward instead of sleeping.
     */
    public static Server start(ServeConfig config, Role role, LongSupplier clock) throws IOException {
        config.validate();
        if (role == Role.WORKER && config.processing().workers() == 0)
            throw new IOException("a worker node with --workers 0 would run no jobs: give it one or more");
        Services s = Services.build(config, clock);
        HttpConfig http = config.http();
        var graceful = new GracefulHandler();
        Javalin app = javalin(http, role, s.routes(), graceful);
        app.start();
        // Jetty gives each connection 1 s of idleness once a stop begins: an append whose client paused for longer was
        // cut although --drain-secs allows it to finish. Draining means waiting as long as the drain allows (and
        // close() below ends the idle keep-alive connections as soon as no request is left in flight).
        for (Connector c : app.jettyServer().server().getConnectors())
            if (c instanceof AbstractConnector ac) {
                ac.setShutdownIdleTimeout(Math.max(1_000, http.drain().toMillis()));
                ac.setIdleTimeout(IDLE_TIMEOUT.toMillis());
            }
        log.info("mediaup {} listening on http://{}:{} (data dir {}; blob store capabilities {}; {} job workers)",
                role == Role.WORKER ? "worker" : "API", http.host(), app.port(), config.storage().dataDir().toAbsolutePath(),
                s.blobs().capabilities().names(), config.processing().workers());
        var loops = new BackgroundLoops();
        loops.sweeps(s.sweeper(), s.stores().nonces(), s.stores().webhooks(), s.clock(), config.storage().sweepInterval(),
                config.auth().oauthWindow());
        loops.deliveryCounts(s.media());
        loops.nodeLease(s.stores().cluster(), s.ids(), s.nodeOwner(), s.clock());
        return new Server(app, graceful, s, loops);
    }

    private static Javalin javalin(HttpConfig http, Role role, Routes routes, GracefulHandler graceful) {
        return Javalin.create(config -> {
            config.jetty.host = http.host();
            config.jetty.port = http.port();
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 64 * 1024; // only for ctx.body(); media bodies are streamed, never read whole
            // read request bodies in large gulps (segments are megabytes; 8 KiB reads cost a wakeup each), but no larger than
            // the 64 KiB Jetty still pools: a bigger buffer is allocated and zeroed per request
            config.jetty.modifyHttpConfiguration(hc -> {
                hc.setInputBufferSize(64 * 1024);
                // dispatch a request when its headers arrive, so a graceful stop counts (and drains) every request a
                // client has started, not only those whose body has begun to arrive
                hc.setDelayDispatchUntilContent(false);
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(Wire.jettyErrors());
                // graceful stop: the listeners close at once, requests in flight (an append streaming in) get up to
                // --drain-secs to finish and be acknowledged, then the stores close behind them
                server.setStopTimeout(http.drain().toMillis());
                // every listener tells when it accepts a connection (Javalin adds its own connector before the start)
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(LifeCycle event) {
                        for (Connector c : server.getConnectors())
                            if (c instanceof ServerConnector sc) sc.getSelectorManager().addEventListener(routes.arrivals());
                    }
                });
            });
            config.jetty.modifyServletContextHandler(context -> context.insertHandler(graceful));
            if (role == Role.WORKER) {
                routes.installOperations(config);
                return;
            }
            if (http.v11Port() != null) config.jetty.addConnector((server, httpConfig) -> {
                // a second listener for clients that hard-code their upload host (point that name here); it serves every route
                var c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                c.setHost(http.host());
                c.setPort(http.v11Port());
                return c;
            });
            var cors = Cors.plugin(http.corsOrigins(), http.tusPath());
            if (cors != null) config.registerPlugin(cors);
            routes.install(config);
        });
    }

    public int port() {
        return app.port();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Graceful: stop taking requests (Jetty drains in-flight ones), then the loops, then the services and stores. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) return;
        // idle keep-alive connections would hold the stop for the whole drain (their shutdown idle timeout is the
        // drain, so that a request whose client pauses is not cut): close them once no request is in flight
        Thread idleCloser = Thread.ofPlatform().daemon().name("mediaup-drain").start(() -> {
            try {
                while (!graceful.isShutdown() || graceful.getCurrentRequestCount() > 0) Thread.sleep(20);
                for (Connector c : app.jettyServer().server().getConnectors())
                    for (EndPoint ep : c.getConnectedEndPoints()) ep.close();
            } catch (InterruptedException e) {
                // stopped already
            }
        });
        services.watch().close(); // long polls answer and event streams end now, not at the end of the drain
        app.stop();
        idleCloser.interrupt();
        loops.close();
        services.close();
        stopped.countDown();
    }
}
