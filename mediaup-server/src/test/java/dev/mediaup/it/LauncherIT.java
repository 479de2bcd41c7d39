package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/mediaup as users run it: it finds JDK 25 itself, and options come from flags, then MEDIAUP_* env, then --config. */
class LauncherIT {
    static final String JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64";

    @TempDir
    Path dir;

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws Exception {
        Path data = dir.resolve("from-config");
        Path config = Files.writeString(dir.resolve("mediaup.properties"),
                "data-dir=" + data + "\nport=1\nexpires-after-secs=7\nhost=127.0.0.1\n");
        // port: config says 1 (not allowed), env says 0 (any free port) → env wins; expiry: env 5, flag 100 → flag wins
        Map<String, String> env = Map.of("MEDIAUP_PORT", "0", "MEDIAUP_EXPIRES_AFTER_SECS", "5",
                "JAVA_HOME", Files.isDirectory(Path.of(JDK17)) ? JDK17 : System.getProperty("java.home"));
        try (ServerProcess server = ServerProcess.viaLauncher(data, env, "--config", config.toString(), "--expires-after-secs", "100").start()) {
            assertThat(data.resolve("mediaup.db")).exists(); // data-dir came from the config file
            // token create through the launcher too, its data dir from the environment
            ProcessBuilder pb = new ProcessBuilder("../bin/mediaup", "token", "create", "--user", "31337").redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("MEDIAUP_DATA_DIR", data.toString());
            pb.environment().put("JAVA_HOME", env.get("JAVA_HOME"));
            Process p = pb.start();
            String token = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(token).matches("mu_[A-Za-z0-9_-]{43}\\n");
            Api api = new Api(server.baseUrl(), token.trim());
            var r = api.postJson("/2/media/upload/initialize", "{\"media_type\":\"image/png\"}");
            assertThat(r.data().get("expires_after_secs").asLong()).isEqualTo(100);
        }
    }

    /**
     * With MEDIAUP_AOT=1 the launcher records an AOT cache from a training run of the jar (once per jar) and starts the
     * JVM with it: {@code -XX:AOTMode=on} makes the JVM refuse to start unless the cache is really mapped and used (one
     * that does not match the jar, or none, exits non-zero), also with the heap limit a small host gives it. Without
     * MEDIAUP_AOT the JVM starts without it (it costs ~35 MB of resident memory).
     */
    @Test
    void withMediaupAotTheLauncherRecordsAnAotCacheAndStartsTheJvmWithIt() throws Exception {
        Path aot = Path.of("target/mediaup-server.aot").toAbsolutePath();
        Files.deleteIfExists(aot);
        for (String opts : new String[]{"-XX:AOTMode=on -Xlog:aot=info:stderr", "-XX:AOTMode=on -Xmx256m"}) {
            String[] r = launch(Map.of("MEDIAUP_AOT", "1", "MEDIAUP_AOT_ROUNDS", "1", "MEDIAUP_JAVA_OPTS", opts), "--version");
            assertThat(r[0]).as(r[2]).isEqualTo("0");
            // stdout carries only what the command prints: the training run's and the JVM's own lines go to stderr
            assertThat(r[1]).matches("mediaup \\S+ \\(commit [0-9a-f]+(-dirty)?, \\S+\\)\\n"); // the version and its commit
            if (opts.contains("info")) assertThat(r[2]).contains("recording the AOT cache").contains("Opened AOT cache " + aot);
        }
        assertThat(aot).exists();
        assertThat(Files.getLastModifiedTime(aot)).isGreaterThan(Files.getLastModifiedTime(ServerProcess.jar()));
        String[] plain = launch(Map.of("MEDIAUP_JAVA_OPTS", "-Xlog:aot=info:stderr"), "--version");
        assertThat(plain[0]).isEqualTo("0");
        assertThat(plain[2]).doesNotContain(aot.toString());
    }

    /** bin/mediaup with extra environment: exit code, stdout, stderr. */
    private String[] launch(Map<String, String> env, String... args) throws Exception {
        var cmd = new ArrayList<String>(List.of("../bin/mediaup"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return new String[]{Integer.toString(rc), out, Files.readString(err)};
    }

    @Test
    void theLaunchersGiveTheJvmTheirDefaultsAndMediaupJavaOptsWins() throws Exception {
        String[] r = launch(Map.of("MEDIAUP_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertThat(r[0]).isEqualTo("0");
        for (String option : ServerProcess.LAUNCHER_JVM) assertThat(r[1]).as("the JVM's flags").contains(option + " ");
        String[] mine = launch(Map.of("MEDIAUP_JAVA_OPTS", "-XX:GCTimeRatio=9 -XX:+PrintCommandLineFlags"), "--version");
        assertThat(mine[1]).contains("-XX:GCTimeRatio=9 ").doesNotContain("-XX:GCTimeRatio=4 ");
        // the packages' launcher gives the same defaults (DistIT runs it where no JDK exists)
        String packaged = Files.readString(Path.of("../packaging/mediaup"));
        for (String option : ServerProcess.LAUNCHER_JVM) assertThat(packaged).contains(" " + option + " ${MEDIAUP_JAVA_OPTS-}");
    }

    @Test
    void aWrongJavaHomeFallsBackToAnInstalledJdk25() throws Exception {
        String[] r = findJdk("/nonexistent", "/usr/lib/jvm");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("/usr/lib/jvm/");
    }

    @Test
    void noJdk25AnywhereIsAClearError() throws Exception {
        String[] r = findJdk(JDK17, dir.toString()); // JAVA_HOME is 17, and the search root holds nothing
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("JDK 25 or newer is required");
    }

    /** Runs bin/find-jdk.sh as ./mvnw and bin/mediaup do (POSIX sh, set -euf): exit code and what it printed. */
    private static String[] findJdk(String javaHome, String jvmRoot) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "set -euf; . ../bin/find-jdk.sh; echo \"$JAVA_HOME\"").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("MEDIAUP_JVM_ROOT", jvmRoot);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[]{Integer.toString(p.waitFor()), out};
    }
}
