package dev.mediaup.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real mediaup server in its own JVM, started from the built jar as {@code bin/mediaup serve} runs it (at the JIT's
 * first tier unless {@link #fullJit}), so tests can kill -9 it and start it again on the same data dir.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    /** The JVM options bin/mediaup and the packages' launcher give every command (LauncherIT checks they do). */
    static final List<String> LAUNCHER_JVM = List.of("-XX:GCTimeRatio=4");

    public final Path dataDir;
    private final List<String> extraArgs;
    private final List<String> jvmArgs;
    private Process process;
    private int port;
    /** When set, the server is started through bin/mediaup with these arguments and environment instead. */
    private List<String> launcherArgs;
    /** The launcher those go to: the checkout's bin/mediaup, or an installed package's. */
    private Path launcher = Path.of("../bin/mediaup").toAbsolutePath().normalize();
    /** The command the jar runs: serve, or worker (a node with no public API). */
    private String command = "serve";
    /** Whether the server gets this JVM's environment (JAVA_HOME, PATH…) besides {@link #env}. */
    private boolean inheritEnv = true;
    private java.util.Map<String, String> env = java.util.Map.of();
    /** Run before the server's own command (e.g. unshare, to hide system libraries from it). */
    private List<String> prefix = List.of();
    /** Whether the server's JVM compiles with C2 too; see {@link #fullJit}. */
    private boolean fullJit;
    private final StringBuffer log = new StringBuffer();

    public ServerProcess(Path dataDir, List<String> jvmArgs, String... extraArgs) {
        this.dataDir = dataDir;
        this.jvmArgs = jvmArgs;
        this.extraArgs = List.of(extraArgs);
    }

    public ServerProcess(Path dataDir, String... extraArgs) {
        this(dataDir, List.of("-Xmx256m"), extraArgs);
    }

    public static Path jar() {
        Path jar = Path.of("target/mediaup-server.jar").toAbsolutePath();
        if (!Files.exists(jar)) throw new IllegalStateException("run the tests with ./mvnw verify: " + jar + " is built in the package phase");
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A server started exactly as a user would: {@code bin/mediaup serve ARGS} with the given environment. */
    /** Extra environment for the server and its CLI commands (e.g. a shared MEDIAUP_DB for several nodes). */
    public ServerProcess withEnv(java.util.Map<String, String> env) {
        this.env = env;
        return this;
    }

    /** Runs {@code mediaup worker} instead of serve: the jobs, and only /healthz, /readyz and /metrics on its port. */
    public ServerProcess worker() {
        this.command = "worker";
        return this;
    }

    /** Starts the server as the last arguments of {@code prefix} (a wrapper that execs it). */
    public ServerProcess withPrefix(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
        return this;
    }

    public static ServerProcess viaLauncher(Path dataDir, java.util.Map<String, String> env, String... args) {
        ServerProcess p = new ServerProcess(dataDir);
        p.launcherArgs = List.of(args);
        p.env = env;
        return p;
    }

    /** A server started by an installed package's launcher ({@code launcher serve ARGS}), with only the given environment. */
    public static ServerProcess installed(Path launcher, Path dataDir, java.util.Map<String, String> env, String... args) {
        ServerProcess p = viaLauncher(dataDir, env, args);
        p.launcher = launcher;
        p.inheritEnv = false;
        return p;
    }

    /**
     * Compiles the server's hot code with C2 as {@code bin/mediaup} does. By default a test's server stops at C1: the
     * suite starts well over a hundred servers that each live for seconds, and C2 compiling every one's request path
     * took a third of the suite's CPU (four classes: 174 → 118 CPU-seconds, 102 → 74 s); behaviour is the same. C1
     * has no SHA-256 intrinsic (155 MB/s against 1,580 here), so a test that moves gibibytes, or measures the server's
     * memory or speed, asks for this.
     */
    public ServerProcess fullJit() {
        fullJit = true;
        return this;
    }

    public ServerProcess start() throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        if (launcherArgs != null) {
            cmd.addAll(List.of(launcher.toString(), "serve"));
            cmd.addAll(launcherArgs);
        } else {
            cmd.add(java());
            cmd.addAll(ClassSharing.flags());
            cmd.addAll(LAUNCHER_JVM);
            if (!fullJit) cmd.add("-XX:TieredStopAtLevel=1");
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-jar", jar().toString(), command, "--host", "127.0.0.1", "--port", port == 0 ? "0" : Integer.toString(port),
                    "--data-dir", dataDir.toString()));
            cmd.addAll(extraArgs);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE);
        if (!inheritEnv) pb.environment().clear();
        pb.environment().putAll(Backend.env(dataDir));
        pb.environment().putAll(env);
        process = pb.start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Process p = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) ready.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException ignored) {
            }
            ready.completeExceptionally(new IllegalStateException("server exited before listening:\n" + log));
        });
        try {
            port = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start:\n" + log, e);
        }
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        return log.toString();
    }

    /** SIGKILL: no shutdown hook, no flush, exactly a crash. The same port is reused on restart. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as an orchestrator stops a node: the server drains and exits; returns at once. */
    public void sigterm() {
        process.destroy();
    }

    /** Waits for the process to exit after a SIGTERM; its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new IllegalStateException("still running after " + seconds + " s");
        return process.exitValue();
    }

    /**
     * A CLI command's JVM: the shared class archive, and only the first JIT tier (a command runs for a second, the
     * optimising compiler's work would never pay off).
     */
    private static List<String> cliJvm() {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(ClassSharing.flags());
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        return cmd;
    }

    public String createToken(String user, String scopes) throws IOException, InterruptedException {
        String out = cli("token", "create", "--user", user, "--scopes", scopes).trim();
        if (out.isEmpty() || out.contains("\n")) throw new IllegalStateException("token create printed: " + out);
        return out;
    }

    /** A counter's value on /metrics, summed over the series whose labels contain {@code label} (all: null); 0 when none. */
    public double counter(String name, String label) {
        return new Api(baseUrl(), null).get("/metrics").text().lines()
                .filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && (label == null || l.contains(label)))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** How a command ended: its exit code and everything it printed. */
    public record Ran(int exit, String output) {}

    /** Runs a bin/mediaup command like {@link #cli}, whatever its outcome. */
    public Ran cliStatus(String... args) throws IOException, InterruptedException {
        List<String> cmd = cliJvm();
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Backend.env(dataDir));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ran(p.waitFor(), out);
    }

    /** Runs a bin/mediaup command (from the same jar) on this server's data dir; returns its stdout. */
    public String cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = cliJvm();
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Backend.env(dataDir));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", args) + " failed: " + out);
        return out;
    }

    /** An OAuth 1.0a app and a user access token for it: consumer_key, consumer_secret, oauth_token, oauth_token_secret. */
    public java.util.Map<String, String> oauth1(String user) throws IOException, InterruptedException {
        var app = Api.JSON.readTree(cli("app", "create", "--name", "app-" + user));
        String key = app.get("consumer_key").asString();
        var tok = Api.JSON.readTree(cli("token", "create", "--oauth1", "--app", key, "--user", user));
        return java.util.Map.of("consumer_key", key, "consumer_secret", app.get("consumer_secret").asString(),
                "oauth_token", tok.get("oauth_token").asString(), "oauth_token_secret", tok.get("oauth_token_secret").asString(),
                "bearer_token", app.get("bearer_token").asString());
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
