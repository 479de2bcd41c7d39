package dev.mediaup.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an operator installs, made by {@code bin/dist} from the jar this build just made: the .deb declares a system
 * service that systemd accepts, with its hardening, a conffile holding every option, maintainer scripts that keep data
 * on remove and delete it on purge, and the licences and SBOM of everything bundled; the .tar.gz runs on the Java
 * runtime inside it — started where no JDK exists (the machine's are hidden in a private mount namespace, as are the
 * system libraries a fresh machine lacks), it takes a picture and a video through X's flow and transcodes the video.
 * Installing the .deb on a fresh Debian root (debootstrap) is the next step of this test (docs/install.md).
 */
class DistIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static Path deb, tarball;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        var built = run(List.of(ROOT.resolve("bin/dist").toString(), "--no-build"), Map.of("MEDIAUP_DIST_LEVEL", "1"),
                Duration.ofMinutes(5));
        assertThat(built.getKey()).as("bin/dist: %s", built.getValue()).isZero();
        try (Stream<Path> files = Files.list(ROOT.resolve("dist"))) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.matches("mediaup_0\\.1\\.0~snapshot\\.\\d{14}_amd64\\.deb")) deb = f;
                if (n.matches("mediaup-0\\.1\\.0~snapshot\\.\\d{14}-linux-x86_64\\.tar\\.gz")) tarball = f;
            }
        }
        assertThat(deb).as("the .deb in dist/").isNotNull();
        assertThat(tarball).as("the .tar.gz in dist/").isNotNull();
    }

    /** Runs {@code cmd} with this JVM's environment plus {@code env}; exit code and everything it printed. */
    static Map.Entry<Integer, String> run(List<String> cmd, Map<String, String> env, Duration max) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        var out = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException ignored) {
            }
        });
        if (!p.waitFor(max.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end within " + max + ":\n" + out);
        }
        reader.join();
        return Map.entry(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    static String ok(List<String> cmd) throws Exception {
        var r = run(cmd, Map.of(), Duration.ofMinutes(2));
        assertThat(r.getKey()).as("%s: %s", cmd, r.getValue()).isZero();
        return r.getValue();
    }

    @Test
    void theDebDeclaresAHardenedServiceItsConfigItsScriptsAndItsLicences() throws Exception {
        String fields = ok(List.of("dpkg-deb", "--field", deb.toString(), "Package", "Architecture", "Depends"));
        assertThat(fields).contains("Package: mediaup", "Architecture: amd64").doesNotContain("java", "jdk", "jre");
        Path control = dir.resolve("control"), root = dir.resolve("root");
        ok(List.of("dpkg-deb", "-e", deb.toString(), control.toString()));
        ok(List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        assertThat(Files.readString(control.resolve("conffiles")).strip()).isEqualTo("/etc/mediaup/mediaup.conf");
        assertThat(Files.readString(control.resolve("postinst"))).contains("adduser --system", "/var/lib/mediaup", "/var/cache/mediaup");
        assertThat(Files.readString(control.resolve("postrm"))).contains("purge", "rm -rf /var/lib/mediaup");
        assertThat(Files.readString(control.resolve("prerm"))).doesNotContain("/var/lib/mediaup"); // remove keeps the data

        assertThat(root.resolve("usr/lib/mediaup/runtime/bin/java")).isExecutable();
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/mediaup")).toString()).isEqualTo("../lib/mediaup/bin/mediaup");
        String conf = Files.readString(root.resolve("etc/mediaup/mediaup.conf"));
        assertThat(conf).contains("\ndata-dir=/var/lib/mediaup\n", "\n#port=8080\n", "\n#host=127.0.0.1\n", "\n#max-segment-bytes=33554432\n");
        String licences = Files.readString(root.resolve("usr/share/doc/mediaup/LICENCES"));
        assertThat(licences).contains("OpenJDK", "Classpath-exception", "FFmpeg", "GPL-2.0-or-later");
        JsonNode sbom = Api.JSON.readTree(root.resolve("usr/share/doc/mediaup/sbom.cdx.json").toFile());
        assertThat(sbom.get("bomFormat").asString()).isEqualTo("CycloneDX");
        assertThat(sbom.get("components").size()).isGreaterThan(50);
        assertThat(sbom.get("components").toString()).as("the runtime is a component too").contains("openjdk-runtime-jlink");
        for (JsonNode c : sbom.get("components"))
            assertThat(licences).as("listed in LICENCES").contains(c.get("group").asString() + ":" + c.get("name").asString() + ":"
                    + c.get("version").asString());

        String unit = Files.readString(root.resolve("usr/lib/systemd/system/mediaup.service"));
        assertThat(unit).contains("User=mediaup", "ExecStart=/usr/bin/mediaup serve", "ProtectSystem=strict", "ProtectHome=true",
                "PrivateTmp=true", "NoNewPrivileges=true", "ReadWritePaths=/var/lib/mediaup /var/cache/mediaup", "LimitNOFILE=",
                "Restart=on-failure", "Environment=MEDIAUP_CONFIG=/etc/mediaup/mediaup.conf");
        int stop = Integer.parseInt(unit.replaceAll("(?s).*\nTimeoutStopSec=(\\d+)\n.*", "$1"));
        assertThat(stop).as("TimeoutStopSec above the default drain of 30 s").isGreaterThan(30);
        // systemd's own check, over this machine's units and the package's files (it resolves ExecStart there)
        Path units = Stream.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"))
                .filter(d -> Files.isRegularFile(d.resolve("sysinit.target"))).findFirst().orElse(null);
        assumeTrue(units != null && Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "needs systemd's units and systemd-analyze");
        try (Stream<Path> files = Files.list(units)) { // the unit files (not the masks, links to /dev/null)
            for (Path f : files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList())
                Files.copy(f, root.resolve("usr/lib/systemd/system").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(root.resolve("tmp"));
        var verified = run(List.of("systemd-analyze", "verify", "--root=" + root, "/usr/lib/systemd/system/mediaup.service"), Map.of(),
                Duration.ofMinutes(1));
        assertThat(verified.getKey()).as(verified.getValue()).isZero();
        assertThat(verified.getValue().lines().filter(l -> l.contains("mediaup"))).as("systemd-analyze's complaints").isEmpty();
    }

    @Test
    void theArchiveRunsOnItsOwnRuntimeWhereNoJdkExists() throws Exception {
        assumeTrue(run(List.of("unshare", "-m", "true"), Map.of(), Duration.ofSeconds(10)).getKey() == 0,
                "needs unshare -m (root, as in CI) to hide the machine's JDKs");
        ok(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        Path home;
        try (Stream<Path> d = Files.list(dir)) {
            home = d.filter(p -> p.getFileName().toString().startsWith("mediaup-")).findFirst().orElseThrow();
        }
        Path launcher = home.resolve("bin/mediaup"), data = dir.resolve("data");
        assertThat(home.resolve("conf/mediaup.conf")).isRegularFile();
        // a private mount namespace where /usr/lib/jvm is empty (so /usr/bin/java leads nowhere) and the system libraries
        // the bundled ffmpeg would otherwise find are gone
        List<String> hidden = new ArrayList<>(FreshMachineIT.hidingSystemLibraries());
        hidden.set(4, "mount -t tmpfs none /usr/lib/jvm || exit 98; " + hidden.get(4));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "MEDIAUP_CACHE_DIR", dir.resolve("cache").toString());
        var noJdk = run(concat(hidden, List.of("sh", "-c", "ls /usr/lib/jvm | wc -l; java -version 2>&1 || echo no-java")), env,
                Duration.ofSeconds(20));
        assertThat(noJdk.getValue()).as("the namespace has no JDK").startsWith("0\n").contains("no-java");
        var token = run(concat(hidden, List.of(launcher.toString(), "token", "create", "--data-dir", data.toString(), "--user", "1",
                "--scopes", "media.write media.read tweet.read")), env, Duration.ofMinutes(1));
        assertThat(token.getKey()).as(token.getValue()).isZero();
        try (ServerProcess server = ServerProcess.installed(launcher, data, env, "--port", "0", "--data-dir", data.toString())
                .withPrefix(hidden).start()) {
            // stdout and stderr come merged here: the token is the line that looks like one
            Api api = new Api(server.baseUrl(), token.getValue().lines().filter(l -> l.matches("mu_\\S+")).findFirst()
                    .orElseThrow(() -> new AssertionError("no token in: " + token.getValue())));
            byte[] png = Api.png(320, 200);
            String picture = api.initialize("image/png", "tweet_image", png.length);
            api.append(picture, 0, png);
            assertThat(api.finalizeUpload(picture).data().has("media_key")).isTrue();
            byte[] video = Fixtures.mp4(2, 320, 240);
            String clip = api.initialize("video/mp4", "tweet_video", video.length);
            api.append(clip, 0, video);
            api.finalizeUpload(clip);
            JsonNode done = api.awaitProcessed(clip, Duration.ofMinutes(2));
            assertThat(done.toString()).contains("succeeded");
            assertThat(server.log()).doesNotContain("Exception");
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
