package dev.mediaup.it;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a container runtime does with an OCI image archive before it runs anything, written from the image spec rather
 * than by the tool that built the image: the layout's index, manifest and config read and each checked against the
 * digest that names it, each layer's uncompressed bytes against the config's {@code diff_ids}, and the layers
 * unpacked in order into one root, whiteouts applied ({@code .wh.NAME} deletes NAME from the layers below,
 * {@code .wh..wh..opq} empties its directory).
 */
final class OciLayout {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OciLayout() {}

    /** Unpacks {@code archive} (an OCI layout in a tar) into {@code layout}, its image into {@code root}; the image config. */
    static JsonNode unpack(Path archive, Path layout, Path root) throws Exception {
        Files.createDirectories(layout);
        Files.createDirectories(root);
        DistIT.ok(List.of("tar", "-xf", archive.toString(), "-C", layout.toString()));
        assertThat(JSON.readTree(layout.resolve("oci-layout").toFile()).get("imageLayoutVersion").asString()).isEqualTo("1.0.0");
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.get("manifests")).as("one image in the archive").hasSize(1);
        JsonNode manifest = JSON.readTree(blob(layout, index.get("manifests").get(0)));
        JsonNode config = JSON.readTree(blob(layout, manifest.get("config")));
        assertThat(config.get("os").asString()).isEqualTo("linux");
        assertThat(config.get("architecture").asString()).isEqualTo("amd64");
        JsonNode layers = manifest.get("layers"), diffIds = config.get("rootfs").get("diff_ids");
        assertThat(layers).hasSameSizeAs(diffIds);
        for (int i = 0; i < layers.size(); i++) {
            JsonNode layer = layers.get(i);
            assertThat(layer.get("mediaType").asString()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            blob(layout, layer); // the compressed bytes against the manifest's digest
            Path file = path(layout, layer.get("digest").asString());
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                assertThat("sha256:" + sha256(in)).as("layer %d's diff_id", i).isEqualTo(diffIds.get(i).asString());
            }
            applyWhiteouts(file, root);
            DistIT.ok(List.of("tar", "-xzf", file.toString(), "-C", root.toString(), "--numeric-owner", "--same-permissions",
                    "--exclude=.wh.*"));
        }
        return config;
    }

    /** A descriptor's blob, after checking its size and digest. */
    private static byte[] blob(Path layout, JsonNode descriptor) throws Exception {
        String digest = descriptor.get("digest").asString();
        Path file = path(layout, digest);
        assertThat(Files.size(file)).as("the size of %s", digest).isEqualTo(descriptor.get("size").asLong());
        try (InputStream in = Files.newInputStream(file)) {
            assertThat("sha256:" + sha256(in)).as("the blob named %s", digest).isEqualTo(digest);
        }
        return Files.size(file) < 1 << 20 ? Files.readAllBytes(file) : new byte[0];
    }

    private static Path path(Path layout, String digest) {
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var digesting = new DigestInputStream(in, md)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The whiteouts this layer holds, applied to what the layers below left in {@code root}. */
    private static void applyWhiteouts(Path layer, Path root) throws Exception {
        for (String entry : DistIT.ok(List.of("tar", "-tzf", layer.toString())).lines().toList()) {
            String name = entry.replaceFirst("^\\./", "");
            int slash = name.lastIndexOf('/');
            String parent = slash < 0 ? "" : name.substring(0, slash + 1), base = name.substring(slash + 1);
            if (base.equals(".wh..wh..opq")) {
                Path d = root.resolve(parent);
                if (Files.isDirectory(d)) DistIT.ok(List.of("find", d.toString(), "-mindepth", "1", "-delete"));
            } else if (base.startsWith(".wh.")) {
                DistIT.ok(List.of("rm", "-rf", "--one-file-system", root.resolve(parent + base.substring(4)).toString()));
            }
        }
    }
}
