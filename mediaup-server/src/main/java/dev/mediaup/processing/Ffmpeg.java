package dev.mediaup.processing;

import dev.mediaup.config.CacheDir;
import dev.mediaup.core.MediaRejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;

/**
 * ffmpeg and ffprobe, always as sandboxed subprocesses: never loaded into the JVM, wall-clock limited by coreutils
 * {@code timeout} (which also outlives a kill -9 of this JVM), CPU time and address space limited by {@code prlimit},
 * niced below request handling, an empty environment, stdin closed, and only the {@code file} protocol (plus
 * {@code concat}, which joins our own segment files). The demuxer is always named, so bytes that claim to be a video
 * cannot make ffmpeg read a playlist that points elsewhere.
 *
 * <p>By default the executables come from the {@code org.bytedeco:ffmpeg} platform jar (its GPL build, with libx264)
 * on the classpath, extracted once per version into a cache directory; {@code --ffmpeg} points at a system ffmpeg instead.
 * That build links audio-capture, X11-grab and udev libraries through libavdevice and libavutil, which a server without
 * a desktop lacks (a machine with only a JDK has no libpulse.so.0): do-nothing stand-ins for them ({@link #STUBS}, built
 * by {@code src/main/native/build-stubs}) are extracted beside the executables, so the bundled ffmpeg runs on any
 * x86-64 Linux with glibc and nothing installed. Their functions are never reached: mediaup names every demuxer and
 * muxer (no capture devices) and never opens a hardware device.
 */
public final class Ffmpeg implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);
    /** Where the platform jar keeps its files: the GPL build (with x264) by default, the LGPL one if that is on the classpath. */
    private static final List<String> BUNDLES = List.of("org/bytedeco/ffmpeg/linux-x86_64-gpl/", "org/bytedeco/ffmpeg/linux-x86_64/");
    /** The libraries the bundled build links but mediaup never calls; stand-ins in the jar at {@code stubs/}. */
    static final List<String> STUBS = List.of("libpulse.so.0", "libasound.so.2", "libxcb.so.1", "libxcb-shm.so.0", "libudev.so.1");
    /** Bumped when the stand-ins change, so a cache extracted with older ones is not reused. */
    private static final int STUBS_REVISION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String PROTOCOLS = "file,concat";

    /** Bounds for every run. */
    public record Limits(long timeoutSecs, long cpuSecs, long memoryBytes, int threads) {
        public static Limits defaults() {
            return new Limits(1800, 3600, 4L << 30, Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
    }

    public record Tools(Path ffmpeg, Path ffprobe, String libraryPath, Set<String> encoders) {}

    /** The end of a run: exit code (124/137 after the timeout), and the tail of stderr for error messages. */
    public record Result(int exit, boolean timedOut, String stderrTail) {
        public boolean ok() { return exit == 0 && !timedOut; }
    }

    private final String configured;
    private final Limits limits;
    private volatile Tools tools;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    /** {@code configured}: path of a system ffmpeg (its ffprobe beside it), or null for the bundled one. */
    public Ffmpeg(String configured, Limits limits) {
        this.configured = configured;
        this.limits = limits;
    }

    public Limits limits() { return limits; }

    /** Finds (and on first use extracts) the executables; throws with a clear message when they cannot run here. */
    public Tools tools() throws IOException {
        Tools t = tools;
        if (t != null) return t;
        synchronized (this) {
            if (tools != null) return tools;
            // a machine that cannot run ffmpeg is asked again at most every few seconds (readiness and waiting jobs
            // ask often), so the fix shows soon but a broken install does not mean a process spawned per question
            if (lastFailure != null && System.nanoTime() - failedAt < RECHECK_NANOS) throw lastFailure;
            try {
                return find();
            } catch (NotRunnable e) {
                lastFailure = e;
                failedAt = System.nanoTime();
                throw e;
            }
        }
    }

    private static final long RECHECK_NANOS = 5_000_000_000L;
    private NotRunnable lastFailure;
    private long failedAt;

    private Tools find() throws IOException {
        Path ffmpeg, ffprobe;
        String libs = null;
        if (configured != null && !configured.isBlank()) {
            ffmpeg = Path.of(configured);
            ffprobe = ffmpeg.resolveSibling(ffmpeg.getFileName().toString().replace("ffmpeg", "ffprobe"));
        } else {
            Path dir = extractBundled(CacheDir.root());
            ffmpeg = dir.resolve("ffmpeg");
            ffprobe = dir.resolve("ffprobe");
            libs = dir.toString();
        }
        Set<String> encoders = new HashSet<>();
        List<String> lines = new ArrayList<>();
        Result r = run(new Tools(ffmpeg, ffprobe, libs, Set.of()), true, List.of("-hide_banner", "-encoders"), null, 30, lines::add);
        if (!r.ok())
            throw new NotRunnable("ffmpeg at " + ffmpeg + " does not run (exit " + r.exit() + "): "
                    + r.stderrTail().strip().replaceAll("\\s*\n\\s*", " | ") + (r.stderrTail().contains("cannot open shared object file")
                            ? " — a library it needs is missing: install it, or set --ffmpeg to a system ffmpeg"
                            : " — check the file, or unset --ffmpeg to use the bundled one"));
        for (String l : lines) {
            String[] parts = l.trim().split("\\s+");
            if (parts.length > 1 && parts[0].length() == 6) encoders.add(parts[1]);
        }
        tools = new Tools(ffmpeg, ffprobe, libs, Set.copyOf(encoders));
        log.info("ffmpeg: {} (H.264 encoder: {})", ffmpeg, h264Encoder(tools));
        return tools;
    }

    /** ffmpeg cannot run here at all (a missing library, a wrong path): the environment's fault, not the media's. */
    public static final class NotRunnable extends IOException {
        public NotRunnable(String message) {
            super(message);
        }
    }

    /** libx264 where the build has it (the bundled GPL build does), else OpenH264 (LGPL builds), else ffmpeg's default. */
    public static String h264Encoder(Tools t) {
        if (t.encoders().contains("libx264")) return "libx264";
        if (t.encoders().contains("libopenh264")) return "libopenh264";
        return "h264";
    }

    /**
     * Copies the platform jar's executables and libraries into {@code root/ffmpeg-<version>} once: written to a
     * temporary directory and renamed into place, so concurrent first runs (several servers, tests) never see half a copy.
     */
    static Path extractBundled(Path root) throws IOException {
        String bundle = null;
        URL exe = null;
        for (String b : BUNDLES) {
            exe = Ffmpeg.class.getClassLoader().getResource(b + "ffmpeg");
            if (exe != null) {
                bundle = b;
                break;
            }
        }
        if (exe == null) throw new IOException("no bundled ffmpeg on the classpath (org.bytedeco:ffmpeg, linux-x86_64-gpl); set --ffmpeg");
        String version = bundledVersion();
        long size = exe.openConnection().getContentLengthLong();
        Path target = root.resolve("ffmpeg-" + version + "-" + size + "-s" + STUBS_REVISION);
        if (Files.isRegularFile(target.resolve(".complete"))) return target;
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, ".extract");
        try {
            copyBundle(exe, bundle, tmp);
            for (String stub : STUBS) {
                if (Files.exists(tmp.resolve(stub))) continue; // the build carries the real one
                try (InputStream in = Ffmpeg.class.getResourceAsStream("stubs/" + stub)) {
                    if (in == null) throw new IOException("the stand-in " + stub + " is missing from the jar");
                    Files.copy(in, tmp.resolve(stub));
                }
            }
            for (String x : List.of("ffmpeg", "ffprobe"))
                Files.setPosixFilePermissions(tmp.resolve(x), PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.writeString(tmp.resolve(".complete"), version);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another process finished first: theirs is as good as ours
            }
        } catch (URISyntaxException e) {
            throw new IOException(e);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
        if (!Files.isRegularFile(target.resolve(".complete"))) throw new IOException("could not install ffmpeg into " + target);
        return target;
    }

    private static String bundledVersion() throws IOException {
        try (InputStream in = Ffmpeg.class.getClassLoader().getResourceAsStream("META-INF/maven/org.bytedeco/ffmpeg/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        }
    }

    /** The bundle's files, from the jar (or, run from classes, the directory) that holds {@code exe}. */
    private static void copyBundle(URL exe, String bundle, Path into) throws IOException, URISyntaxException {
        if (exe.openConnection() instanceof JarURLConnection jc) {
            try (JarFile jar = new JarFile(Path.of(jc.getJarFileURL().toURI()).toFile())) {
                for (var e : Collections.list(jar.entries())) {
                    String name = e.getName();
                    if (e.isDirectory() || !name.startsWith(bundle) || name.substring(bundle.length()).contains("/")) continue;
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, into.resolve(name.substring(bundle.length())));
                    }
                }
            }
        } else {
            try (var files = Files.list(Path.of(exe.toURI()).getParent())) {
                for (Path f : files.toList()) Files.copy(f, into.resolve(f.getFileName().toString()));
            }
        }
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Runs ffmpeg with these arguments in {@code cwd}; every stdout line (e.g. -progress output) goes to {@code stdout}. */
    public Result ffmpeg(List<String> args, Path cwd, long timeoutSecs, Consumer<String> stdout) throws IOException {
        return run(tools(), true, args, cwd, timeoutSecs, stdout);
    }

    /** ffprobe's JSON description of {@code input} read with demuxer {@code format}. */
    public JsonNode probe(String format, String input, List<String> extra, Path cwd) throws IOException {
        List<String> args = new ArrayList<>(List.of("-v", "error", "-protocol_whitelist", PROTOCOLS, "-print_format", "json",
                "-show_format", "-show_streams"));
        args.addAll(extra);
        args.addAll(List.of("-f", format, "-i", input));
        StringBuilder out = new StringBuilder();
        Result r = run(tools(), false, args, cwd, Math.min(limits.timeoutSecs(), 300), l -> {
            if (out.length() < 4 << 20) out.append(l).append('\n');
        });
        checkOpen();
        if (!r.ok()) throw new MediaRejected(r.timedOut() ? "Probing the media took too long." : "The media could not be read: "
                + Video.lastLine(r.stderrTail()));
        return JSON.readTree(out.toString());
    }

    private Result run(Tools t, boolean ffmpeg, List<String> args, Path cwd, long timeoutSecs, Consumer<String> stdout) throws IOException {
        List<String> cmd = new ArrayList<>();
        // the bounds live in wrappers, not in this JVM, so they hold even if the JVM dies mid-run
        if (Files.isExecutable(Path.of("/usr/bin/timeout"))) cmd.addAll(List.of("/usr/bin/timeout", "-s", "KILL", timeoutSecs + "s"));
        if (Files.isExecutable(Path.of("/usr/bin/prlimit")))
            cmd.addAll(List.of("/usr/bin/prlimit", "--cpu=" + limits.cpuSecs(), "--as=" + limits.memoryBytes(), "--core=0", "--"));
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) cmd.addAll(List.of("/usr/bin/nice", "-n", "10"));
        cmd.add((ffmpeg ? t.ffmpeg() : t.ffprobe()).toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        if (t.libraryPath() != null) pb.environment().put("LD_LIBRARY_PATH", t.libraryPath());
        Path errFile = Files.createTempFile(cwd != null ? cwd : Path.of(System.getProperty("java.io.tmpdir")), "ffmpeg", ".err");
        pb.redirectError(errFile.toFile());
        if (cwd != null) pb.directory(cwd.toFile());
        Process p = pb.start();
        running.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs) + TimeUnit.SECONDS.toNanos(5);
        try {
            // a watchdog in this JVM too, for systems without coreutils timeout
            var watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) kill(p);
                } catch (InterruptedException ignored) {
                    // the run ended
                }
            });
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) stdout.accept(line);
            }
            boolean done = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!done) kill(p);
            watchdog.interrupt();
            int exit = done ? p.exitValue() : 137;
            boolean timedOut = !done || exit == 137 || exit == 124 || exit == 152 /* SIGXCPU */;
            return new Result(exit, timedOut, tail(errFile));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (RuntimeException e) {
            kill(p);
            throw e;
        } finally {
            running.remove(p);
            Files.deleteIfExists(errFile);
        }
    }

    private static String tail(Path f) throws IOException {
        try (var ch = FileChannel.open(f)) {
            long size = ch.size();
            var buf = ByteBuffer.allocate((int) Math.min(size, 4096));
            ch.read(buf, size - buf.capacity());
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private volatile boolean closed;

    /** After shutdown killed a run, its failure is ours, not the media's: the job is retried, not failed. */
    void checkOpen() throws IOException {
        if (closed) throw new IOException("the server is shutting down");
    }

    /** Kills whatever still runs (shutdown): jobs are retried from their durable rows. */
    @Override
    public void close() {
        closed = true;
        running.forEach(Ffmpeg::kill);
    }
}
