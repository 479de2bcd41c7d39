package dev.mediaup.core;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The only code that builds or parses blob keys. Every key is made of numeric ids and names mediaup chose, never of
 * user input: {@code uploads/<id>/s<hex>} a segment, {@code uploads/<id>/o<hex>} an assembled original,
 * {@code uploads/<id>/v/<name>} a variant ({@code -r<hex>} after it when made again later). Everything an upload wrote
 * shares its prefix, so the orphan sweep can tell from a key alone where it came from — but not who uses it: media
 * with the same bytes share variant blobs (store once), and a tus final upload's segments stay under its partials'
 * prefixes, so what may be deleted is asked of the rows, by key.
 */
public final class BlobKeys {
    private BlobKeys() {}

    /** Where all uploads live (what the orphan sweep lists). */
    public static final String ROOT = "uploads";

    public static String prefix(long uploadId) {
        return ROOT + "/" + uploadId;
    }

    /** A new segment blob: {@code unique} makes a re-sent index a new blob, so the old one is replaced atomically. */
    public static String segment(long uploadId, long unique) {
        return prefix(uploadId) + "/s" + Long.toHexString(unique);
    }

    /** The segments of a kept original assembled into one blob. */
    public static String assembled(long uploadId, long unique) {
        return prefix(uploadId) + "/o" + Long.toHexString(unique);
    }

    /** A variant's blob; {@code name} is one processing chose (e.g. "orig", "720p.mp4", "hls.720p.m3u8"). */
    public static String variant(long uploadId, String name) {
        return prefix(uploadId) + "/v/" + name;
    }

    /**
     * A variant made again later (a thumb cropped around a new focal point): a blob of its own, never the one it
     * replaces, which another media may share (store once) and a reader may be streaming.
     */
    public static String remade(long uploadId, String name, long unique) {
        return variant(uploadId, name) + "-r" + Long.toHexString(unique);
    }

    /** Whether {@code key} is a variant made again later ({@link #remade}). */
    public static boolean isRemade(String key) {
        return key.contains("/v/") && REMADE.matcher(key).find();
    }

    private static final Pattern REMADE = Pattern.compile("-r[0-9a-f]{1,16}$");

    /** The upload a key belongs to, if it is one of ours. */
    public static OptionalLong uploadIdOf(String key) {
        String[] parts = key.split("/");
        if (parts.length < 3 || !parts[0].equals(ROOT)) return OptionalLong.empty();
        return MediaId.parse(parts[1]).map(id -> OptionalLong.of(id.value())).orElse(OptionalLong.empty());
    }
}
