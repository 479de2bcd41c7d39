package dev.mediaup.cli;

import dev.mediaup.boot.Server;
import picocli.CommandLine.Command;

/**
 * {@code worker}: a node that runs the durable jobs — processing, webhooks, sweeps — and no public API; its port
 * answers only /healthz, /readyz and /metrics. It takes serve's options (and config file), so one mediaup.conf
 * describes both roles; API nodes then run {@code serve --workers 0} and leave the queue to the workers
 * (docs/operations.md).
 */
@Command(name = "worker", description = "Run a worker node: processing jobs, webhooks and sweeps; no public API "
        + "(only /healthz, /readyz and /metrics on --port).")
final class WorkerCommand extends ServeCommand {
    @Override
    public Integer call() throws Exception {
        return run(Server.Role.WORKER);
    }
}
