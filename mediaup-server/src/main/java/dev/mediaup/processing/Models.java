package dev.mediaup.processing;

import dev.mediaup.core.MediaRejected;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * 3D models are served as uploaded, so they are checked structurally instead: GLB's header and chunk layout (glTF 2.0
 * binary container), and USDZ's packaging rules (a zip whose entries are stored uncompressed at 64-byte-aligned
 * offsets, the first one a USD layer). Uncompressed entries also make zip bombs impossible: nothing expands.
 */
final class Models {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_ENTRIES = 10_000;
    private static final int GLTF = 0x46546C67, JSON_CHUNK = 0x4E4F534A, BIN_CHUNK = 0x004E4942;

    private Models() {}

    static void validate(Path file, String mediaType) throws IOException {
        if (mediaType.equals("model/gltf-binary")) glb(file);
        else usdz(file);
    }

    private static void glb(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 20);
            if (size < 20 || head.getInt(0) != GLTF) throw new MediaRejected("A GLB file must start with the glTF magic.");
            if (head.getInt(4) != 2) throw new MediaRejected("Only glTF 2.0 binaries are accepted (version "
                    + Integer.toUnsignedString(head.getInt(4)) + ").");
            long declared = Integer.toUnsignedLong(head.getInt(8));
            if (declared != size) throw new MediaRejected("The GLB header declares " + declared + " bytes but the file has " + size + ".");
            long jsonLength = Integer.toUnsignedLong(head.getInt(12));
            if (head.getInt(16) != JSON_CHUNK) throw new MediaRejected("The first GLB chunk must be the JSON chunk.");
            if (jsonLength == 0 || 20 + jsonLength > size || jsonLength % 4 != 0)
                throw new MediaRejected("The GLB JSON chunk length " + jsonLength + " does not fit the file.");
            JsonNode gltf;
            try {
                gltf = JSON.readTree(new String(read(ch, 20, (int) jsonLength).array(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new MediaRejected("The GLB JSON chunk is not valid JSON.");
            }
            if (!gltf.path("asset").path("version").asString("").startsWith("2"))
                throw new MediaRejected("The GLB JSON chunk must declare asset.version 2.x.");
            long pos = 20 + jsonLength;
            int chunks = 1;
            while (pos < size) {
                if (size - pos < 8) throw new MediaRejected("The GLB file ends inside a chunk header.");
                ByteBuffer ch2 = read(ch, pos, 8);
                long len = Integer.toUnsignedLong(ch2.getInt(0));
                if (pos + 8 + len > size) throw new MediaRejected("A GLB chunk of " + len + " bytes runs past the end of the file.");
                if (ch2.getInt(4) == BIN_CHUNK
                        && chunks != 1) throw new MediaRejected("The GLB BIN chunk must directly follow the JSON chunk.");
                pos += 8 + len;
                chunks++;
            }
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) { }
        return b;
    }

    private static void usdz(Path file) throws IOException {
        long size = Files.size(file);
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(file).get();
        } catch (IOException | RuntimeException e) {
            throw new MediaRejected("A USDZ file must be a zip archive: " + e.getMessage());
        }
        try (zip) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            if (entries.isEmpty()) throw new MediaRejected("The USDZ archive is empty.");
            if (entries.size() > MAX_ENTRIES) throw new MediaRejected("The USDZ archive has more than " + MAX_ENTRIES + " entries.");
            long total = 0;
            for (ZipArchiveEntry e : entries) {
                String name = e.getName();
                if (name.startsWith("/") || name.contains("..") || name.contains("\\")) throw new MediaRejected("USDZ entry \"" + name
                        + "\" has an unsafe path.");
                if (e.getMethod() != ZipArchiveEntry.STORED || e.getSize() != e.getCompressedSize())
                    throw new MediaRejected("USDZ entries must be stored uncompressed; \"" + name + "\" is compressed.");
                if (e.getGeneralPurposeBit().usesEncryption()) throw new MediaRejected("USDZ entry \"" + name + "\" is encrypted.");
                if (e.getDataOffset() % 64 != 0) throw new MediaRejected("USDZ entry \"" + name + "\" is not aligned to 64 bytes.");
                total += e.getSize();
                if (e.getSize() < 0 || total > size || e.getDataOffset() + e.getSize() > size)
                    throw new MediaRejected("USDZ entry \"" + name + "\" declares more bytes than the archive holds.");
            }
            ZipArchiveEntry first = entries.getFirst();
            String n = first.getName().toLowerCase(Locale.ROOT);
            if (!(n.endsWith(".usd") || n.endsWith(".usda") || n.endsWith(".usdc")))
                throw new MediaRejected("The first USDZ entry must be a USD layer (.usd, .usda, .usdc), not \"" + first.getName() + "\".");
            byte[] magic;
            try (InputStream in = zip.getInputStream(first)) {
                magic = in.readNBytes(8);
            }
            String m = new String(magic, StandardCharsets.ISO_8859_1);
            boolean crate = m.startsWith("PXR-USDC"), ascii = m.startsWith("#usda");
            if (n.endsWith(".usdc") ? !crate : n.endsWith(".usda") ? !ascii : !(crate || ascii))
                throw new MediaRejected("The first USDZ entry is not a USD layer (no USD header).");
        }
    }
}
