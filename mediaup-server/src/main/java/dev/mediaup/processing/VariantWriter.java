package dev.mediaup.processing;

import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MediaStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Writes what processing makes: a variant's blob with its SHA-256, then its row. */
final class VariantWriter {
    private static final Logger log = LoggerFactory.getLogger(VariantWriter.class);

    private final BlobStore blobs;
    private final MediaStore media;

    VariantWriter(BlobStore blobs, MediaStore media) {
        this.blobs = blobs;
        this.media = media;
    }

    Variant store(Upload u, String name, String key, String type, Integer w, Integer h, Integer bitRate, BodyWriter bytes)
            throws IOException {
        MessageDigest d = sha256();
        long size = blobs.put(key, out -> {
            OutputStream dout = new DigestOutputStream(out, d);
            bytes.writeTo(dout);
            dout.flush();
        });
        return new Variant(u.id(), name, type, size, w, h, bitRate, HexFormat.of().formatHex(d.digest()), key);
    }

    /**
     * Records what was made; a variant whose bytes another succeeded media's variant has is recorded with that blob
     * (identical outputs kept once), and the one just written goes, as does a replaced one nothing refers to any more
     * (a crash first leaves them to the orphan sweep).
     */
    void recorded(Upload u, List<Variant> vs) {
        for (String key : media.putVariants(u.id(), vs).unneeded()) {
            try {
                blobs.delete(key);
            } catch (IOException e) {
                log.warn("could not delete {} (not needed any more): {}", key, e.toString());
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
