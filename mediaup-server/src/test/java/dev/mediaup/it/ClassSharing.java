package dev.mediaup.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Class-data sharing for the JVMs the tests start from the jar (servers and CLI commands): a few hundred of them per
 * suite, each spending most of its first two seconds loading the same classes. One dynamic CDS archive per test JVM,
 * dumped by a server that starts, answers one request and stops, then mapped by every later JVM: a server starts in
 * ~1.6 s instead of ~2.7, a CLI command uses a third of the CPU. It changes how fast classes load, nothing they do.
 * Per test JVM (not per build) so the two forks never write one file, and an archive is never older than the jar; if
 * the dump fails, JVMs simply start without one. JVM logging to stdout is off for them: a stale archive's warning
 * would otherwise land in output the tests parse.
 */
final class ClassSharing {
    private ClassSharing() {}

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
    private static List<String> flags;

    /** The flags a JVM started from the jar gets; empty when no archive could be made. */
    static synchronized List<String> flags() {
        if (flags == null) flags = dump();
        return flags;
    }

    private static List<String> dump() {
        Path dir = Path.of("target", "test-cds").toAbsolutePath();
        Path archive = dir.resolve("mediaup-" + ProcessHandle.current().pid() + ".jsa");
        Path tmp = dir.resolve(archive.getFileName() + ".tmp");
        Path data = dir.resolve("data-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(ServerProcess.java(), "-Xmx256m", "-XX:ArchiveClassesAtExit=" + tmp, "-Xlog:disable",
                    "-jar", ServerProcess.jar().toString(), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data.toString())
                    .redirectErrorStream(true).start();
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    var m = LISTENING.matcher(line);
                    if (m.find()) {
                        try (var c = HttpClient.newHttpClient()) {
                            c.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/healthz")).build(), HttpResponse.BodyHandlers.discarding());
                        }
                        p.destroy(); // SIGTERM: a normal exit, which is when the archive is written
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || !Files.exists(tmp)) {
                p.destroyForcibly();
                return List.of();
            }
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:disable", "-Xlog:all=error:stderr");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return List.of();
        }
    }
}
