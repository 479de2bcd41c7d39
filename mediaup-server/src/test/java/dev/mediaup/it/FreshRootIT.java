package dev.mediaup.it;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The .deb on a fresh Debian, not on the build machine: a minimal Debian 12 root made by {@code debootstrap} from
 * Debian's own packages (cached between runs), the package installed there with {@code dpkg -i} (its one dependency
 * beyond the base system, adduser, from Debian too), and the service started as its unit says — there is no systemd to
 * boot in a chroot, so the test runs exactly the unit's {@code Environment=} and {@code ExecStart=} as its
 * {@code User=}. Through it a picture and a video (transcoded by the bundled ffmpeg, nothing else installed); then the
 * package is upgraded to a newer build and the media are still there and served; then removed (data kept) and purged
 * (data, config and user gone). The OCI image made of the same package is unpacked and run in a root of its own.
 *
 * <p>Slow (a minute or two) and needs root, so it runs when asked: {@code -Dmediaup.fresh-root=true}, which .ci/run
 * does after the suite (docs/install.md). The root comes from {@code MEDIAUP_DEBIAN_MIRROR} (deb.debian.org by default).
 */
class FreshRootIT {
    static final String SUITE = "bookworm";
    static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "mediaup", "debootstrap-" + SUITE + "-minbase.tar");

    private static boolean debBuilt;
    Path dir;
    Path root;

    @Test
    void theDebInstallsOnAFreshDebianServesUpgradesAndIsRemovedThenPurged() throws Exception {
        inADirOfItsOwn("fresh-root", this::installUpgradeRemove);
    }

    interface Step {
        void run() throws Exception;
    }

    /** When asked for and as root, {@code step} with {@link #dir} a new directory, deleted after. */
    void inADirOfItsOwn(String prefix, Step step) throws Exception {
        assumeTrue(Boolean.getBoolean("mediaup.fresh-root"), "runs with -Dmediaup.fresh-root=true (.ci/run's second step)");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: chroot, mounts");
        // not a @TempDir: a Debian root is full of absolute symlinks, each of which JUnit would warn about as it deletes
        dir = Files.createTempDirectory(prefix);
        try {
            step.run();
        } finally {
            DistIT.ok(List.of("rm", "-rf", "--one-file-system", dir.toString()));
        }
    }

    /**
     * The OCI image bin/oci-image makes (no container runtime here): its layout checked blob by blob against the
     * digests that name them, its layers unpacked in order into an empty root as a runtime would (whiteouts applied),
     * and its config's entrypoint and command run there as its user, in its working dir, with its environment — then
     * a picture and a video through it.
     */
    @Test
    void theOciImageUnpacksIntoARootWhereItsEntrypointServes() throws Exception {
        inADirOfItsOwn("oci-root", this::unpackAndRunTheImage);
    }

    void unpackAndRunTheImage() throws Exception {
        builtDeb();
        var made = DistIT.run(List.of(DistIT.ROOT.resolve("bin/oci-image").toString(), "--no-build"), Map.of(), Duration.ofMinutes(10));
        assertThat(made.getKey()).as(made.getValue()).isZero();
        Path archive = DistIT.ROOT.resolve("dist/mediaup-0.1.0~snapshot.20000101000000-oci.tar");
        root = dir.resolve("root");
        JsonNode config = OciLayout.unpack(archive, dir.resolve("layout"), root);
        JsonNode c = config.get("config");
        assertThat(c.get("User").asString()).isEqualTo("mediaup:mediaup");
        assertThat(c.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.get("Volumes").has("/var/lib/mediaup")).isTrue();
        assertThat(c.get("Env").toString()).as("reachable from outside its container").contains("MEDIAUP_HOST=0.0.0.0");
        List<String> entrypoint = new ArrayList<>();
        c.get("Entrypoint").forEach(w -> entrypoint.add(w.asString()));
        c.get("Cmd").forEach(w -> entrypoint.add(w.asString()));
        assertThat(entrypoint).startsWith("/usr/bin/mediaup", "serve");

        List<String> prefix = chroot(c.get("User").asString(), c.get("WorkingDir").asString());
        c.get("Env").forEach(e -> prefix.add(e.asString()));
        List<String> cli = new ArrayList<>(prefix);
        cli.addAll(List.of("/usr/bin/mediaup", "token", "create", "--user", "1", "--scopes", "media.write media.read"));
        String token = DistIT.ok(cli).lines().filter(l -> l.matches("mu_\\S+")).findFirst().orElseThrow();
        prefix.add("MEDIAUP_PORT=" + freePort()); // as `docker run -e MEDIAUP_PORT=…` would: this host's network is shared
        long starting = System.nanoTime();
        try (ServerProcess server = ServerProcess.installed(Path.of(entrypoint.getFirst()), root.resolve("var/lib/mediaup"),
                Map.of(), entrypoint.subList(2, entrypoint.size()).toArray(String[]::new)).withPrefix(prefix).start()) {
            Api api = new Api(server.baseUrl(), token);
            assertThat(api.as(null).get("/healthz").status()).isEqualTo(200);
            System.out.printf("OCI: a %d MB image; unpacked, its entrypoint to /healthz 200 %.1f s%n",
                    Files.size(archive) / 1_000_000, (System.nanoTime() - starting) / 1e9);
            byte[] png = Api.png(320, 200);
            String picture = api.initialize("image/png", "tweet_image", png.length);
            api.append(picture, 0, png);
            assertThat(api.finalizeUpload(picture).status()).isEqualTo(200);
            byte[] video = Fixtures.mp4(2, 320, 240);
            String clip = api.initialize("video/mp4", "tweet_video", video.length);
            api.append(clip, 0, video);
            api.finalizeUpload(clip);
            assertThat(api.awaitProcessed(clip, Duration.ofMinutes(2)).toString()).contains("succeeded");
            server.sigterm();
        }
        assertThat(root.resolve("var/lib/mediaup/mediaup.db")).as("the data, in the image's volume").exists();
    }

    void installUpgradeRemove() throws Exception {
        root = freshRoot();
        Path first = dir.resolve("first.deb"), second = dir.resolve("second.deb");
        Files.copy(builtDeb(), first);
        newerBuild(first, second, "0.1.0~snapshot.20000101000001");

        long t0 = System.nanoTime();
        install(first);
        long installed = System.nanoTime();
        assertThat(Files.readString(root.resolve("etc/passwd"))).as("the system user").contains("\nmediaup:");
        String port = Integer.toString(freePort());
        Path conf = root.resolve("etc/mediaup/mediaup.conf");
        Files.writeString(conf, Files.readString(conf).replace("\n#port=8080\n", "\nport=" + port + "\n")); // as an operator would
        String token = asService("/usr/bin/mediaup", "token", "create", "--user", "1", "--scopes", "media.write media.read tweet.read")
                .lines().filter(l -> l.matches("mu_\\S+")).findFirst().orElseThrow();
        String pictureKey, videoKey;
        long starting = System.nanoTime();
        try (ServerProcess server = service().start()) {
            Api api = new Api(server.baseUrl(), token);
            assertThat(api.as(null).get("/healthz").status()).isEqualTo(200);
            System.out.printf("FRESH-ROOT: a %d MB .deb: dpkg -i %.1f s; the unit's command to /healthz 200 %.1f s%n",
                    Files.size(first) / 1_000_000, (installed - t0) / 1e9, (System.nanoTime() - starting) / 1e9);
            byte[] png = Api.png(320, 200);
            String picture = api.initialize("image/png", "tweet_image", png.length);
            api.append(picture, 0, png);
            pictureKey = api.finalizeUpload(picture).data().get("media_key").asString();
            byte[] video = Fixtures.mp4(2, 320, 240);
            String clip = api.initialize("video/mp4", "tweet_video", video.length);
            api.append(clip, 0, video);
            videoKey = api.finalizeUpload(clip).data().get("media_key").asString();
            assertThat(api.awaitProcessed(clip, Duration.ofMinutes(2)).toString()).contains("succeeded");
            server.sigterm();
        }

        install(second); // the upgrade: the config edited above is a conffile, kept
        assertThat(inRoot("dpkg-query", "-W", "-f=${Version}", "mediaup")).isEqualTo("0.1.0~snapshot.20000101000001");
        assertThat(Files.readString(conf)).contains("\nport=" + port + "\n");
        try (ServerProcess server = service().start()) {
            Api api = new Api(server.baseUrl(), token);
            for (String key : List.of(pictureKey, videoKey)) {
                JsonNode media = api.get("/2/media/" + key + "?media.fields=url,variants").json().get("data");
                assertThat(media.get("media_key").asString()).isEqualTo(key);
            }
            JsonNode picture = api.get("/2/media/" + pictureKey + "?media.fields=url").json().get("data");
            String url = picture.get("url").asString();
            assertThat(api.get(url.substring(url.indexOf("/media/"))).body()).as("the picture, served after the upgrade").isNotEmpty();
            server.sigterm();
        }

        inRoot("dpkg", "-r", "mediaup");
        assertThat(root.resolve("usr/lib/mediaup")).doesNotExist();
        assertThat(root.resolve("var/lib/mediaup/mediaup.db")).as("remove keeps the data").exists();
        assertThat(conf).as("and the config").exists();
        inRoot("dpkg", "-P", "mediaup");
        assertThat(root.resolve("var/lib/mediaup")).as("purge deletes the data").doesNotExist();
        assertThat(root.resolve("etc/mediaup")).doesNotExist();
        assertThat(Files.readString(root.resolve("etc/passwd"))).as("and the user").doesNotContain("\nmediaup:");
    }

    /** The package bin/dist makes of the jar the suite built, once per test JVM. */
    static synchronized Path builtDeb() throws Exception {
        Path deb = DistIT.ROOT.resolve("dist/mediaup_0.1.0~snapshot.20000101000000_amd64.deb");
        if (debBuilt) return deb;
        var built = DistIT.run(List.of(DistIT.ROOT.resolve("bin/dist").toString(), "--no-build"),
                Map.of("MEDIAUP_DIST_STAMP", "20000101000000", "MEDIAUP_DIST_LEVEL", "1"), Duration.ofMinutes(5));
        assertThat(built.getKey()).as(built.getValue()).isZero();
        debBuilt = true;
        return deb;
    }

    /** A minimal Debian with adduser, from the cache when one is there (made by debootstrap the first time). */
    Path freshRoot() throws Exception {
        Path r = dir.resolve("root");
        if (!Files.isRegularFile(CACHE)) {
            Path made = dir.resolve("bootstrap");
            String mirror = System.getenv().getOrDefault("MEDIAUP_DEBIAN_MIRROR", "http://deb.debian.org/debian");
            DistIT.ok(List.of("debootstrap", "--variant=minbase", "--include=adduser", SUITE, made.toString(), mirror));
            Files.createDirectories(CACHE.getParent());
            Path partial = CACHE.resolveSibling(CACHE.getFileName() + ".partial");
            DistIT.ok(List.of("tar", "-C", made.toString(), "-cf", partial.toString(), "."));
            Files.move(partial, CACHE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(r);
        DistIT.ok(List.of("tar", "-C", r.toString(), "-xf", CACHE.toString()));
        return r;
    }

    /** The same package as {@code from}, as a newer build would be: its version raised. */
    void newerBuild(Path from, Path to, String version) throws Exception {
        Path tree = dir.resolve("repack");
        DistIT.ok(List.of("dpkg-deb", "-R", from.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        DistIT.ok(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", tree.toString(), to.toString()));
    }

    void install(Path deb) throws Exception {
        Files.copy(deb, root.resolve("tmp/mediaup.deb"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        inRoot("dpkg", "-i", "/tmp/mediaup.deb");
    }

    /** The root's own /dev, /proc and /sys, in a mount namespace of the command's own (gone when it ends). */
    List<String> chroot(String userspec) {
        return chroot(userspec, "/");
    }

    /** The same, the command started in {@code workdir} of the root. */
    List<String> chroot(String userspec, String workdir) {
        String mounts = "for d in dev sys; do mount --rbind /$d \"$R/$d\" || exit 97; done; mount -t proc proc \"$R/proc\" || exit 97; ";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "env", "R=" + root, "sh", "-c",
                mounts + "exec chroot " + (userspec == null ? "" : "--userspec=" + userspec + " ") + "\"$R\" \"$@\"", "sh"));
        cmd.addAll(List.of("env", "-i", "-C", workdir, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"));
        return cmd;
    }

    String inRoot(String... args) throws Exception {
        List<String> cmd = chroot(null);
        cmd.addAll(List.of(args));
        return DistIT.ok(cmd);
    }

    String asService(String... args) throws Exception {
        List<String> cmd = chroot("mediaup:mediaup");
        cmd.addAll(List.of(args));
        return DistIT.ok(cmd);
    }

    /** What the unit runs, as its user, with its environment: ExecStart's words after Environment='s variables. */
    ServerProcess service() throws IOException {
        String unit = Files.readString(root.resolve("usr/lib/systemd/system/mediaup.service"));
        String user = unit.replaceAll("(?s).*\nUser=(\\S+)\n.*", "$1"), group = unit.replaceAll("(?s).*\nGroup=(\\S+)\n.*", "$1");
        List<String> prefix = chroot(user + ":" + group);
        unit.lines().filter(l -> l.startsWith("Environment=")).forEach(l -> prefix.add(l.substring("Environment=".length())));
        List<String> exec = List.of(unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length()).split(" "));
        assertThat(exec).as("ExecStart").startsWith("/usr/bin/mediaup", "serve");
        // ServerProcess runs prefix + "<launcher> serve" + the rest: the unit's command line, word for word
        return ServerProcess.installed(Path.of(exec.getFirst()), root.resolve("var/lib/mediaup"), Map.of("PATH", System.getenv("PATH")),
                exec.subList(2, exec.size()).toArray(String[]::new)).withPrefix(prefix);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
