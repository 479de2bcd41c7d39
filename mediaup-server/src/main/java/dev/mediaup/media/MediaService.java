package dev.mediaup.media;

import dev.mediaup.Problem;
import dev.mediaup.auth.Principal;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MetadataStore;
import dev.mediaup.upload.Media.*;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.*;
import java.util.function.LongSupplier;

/**
 * Media objects once uploaded: lookup with visibility, metadata, deletion, a user's listing, and the bytes for
 * delivery (ranges over the ordered segments, never a copy). Knows nothing of HTTP.
 */
public final class MediaService {
    /** The variant names delivery serves; "orig" is the uploaded file (processing adds others). */
    public static final String ORIGINAL = "orig";

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final LongSupplier clock;
    private final long urlTtlSecs;
    private final byte[] urlKey;

    public MediaService(MetadataStore meta, BlobStore blobs, LongSupplier epochSeconds, long urlTtlSecs) {
        this.meta = meta;
        this.blobs = blobs;
        this.clock = epochSeconds;
        this.urlTtlSecs = urlTtlSecs;
        this.urlKey = HexFormat.of().parseHex(meta.secret("delivery-url-key", () -> {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            return HexFormat.of().formatHex(k);
        }));
    }

    /** media_key → id, if the key is well-formed and its prefix is the one this media would carry. */
    static OptionalLong idOf(String mediaKey) {
        if (mediaKey == null || !mediaKey.matches("[0-9]{1,3}_[0-9]{1,19}")) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(mediaKey.substring(mediaKey.indexOf('_') + 1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean isMedia(Upload u) {
        return u.state() == State.SUCCEEDED || u.state() == State.PENDING || u.state() == State.IN_PROGRESS;
    }

    public record Found(List<Upload> media, List<String> missing) {}

    /** The media the caller may read, in request order; the rest (unknown, invisible, unfinished) as missing keys. */
    public Found lookup(Principal who, List<String> mediaKeys) {
        Map<Long, Upload> byId = new HashMap<>();
        List<Long> ids = mediaKeys.stream().map(MediaService::idOf).filter(OptionalLong::isPresent).map(OptionalLong::getAsLong).toList();
        for (Upload u : meta.findUploads(new LinkedHashSet<>(ids))) byId.put(u.id(), u);
        List<Upload> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : mediaKeys) {
            Upload u = idOf(key).isPresent() ? byId.get(idOf(key).getAsLong()) : null;
            if (u != null && u.mediaKey().equals(key) && isMedia(u) && u.readableBy(who.userId())) found.add(u);
            else missing.add(key);
        }
        return new Found(found, missing);
    }

    /** Owner only; the new metadata object replaces the previous member by member. */
    public Upload setMetadata(Principal who, long id, String mergedJson) {
        owned(who, id);
        return meta.setMetadata(id, mergedJson);
    }

    public Upload owned(Principal who, long id) {
        return meta.findUpload(id).filter(u -> u.ownerId().equals(who.userId()) && u.state() != State.EXPIRED)
                .orElseThrow(() -> Problem.notFound("id", Long.toString(id)));
    }

    /** Owner only: the rows go, then the bytes. */
    public void delete(Principal who, String mediaKey) {
        long id = idOf(mediaKey).orElseThrow(() -> Problem.notFound("media_key", mediaKey));
        Upload u = meta.findUpload(id).filter(x -> x.mediaKey().equals(mediaKey) && x.ownerId().equals(who.userId()))
                .orElseThrow(() -> Problem.notFound("media_key", mediaKey));
        meta.deleteUpload(u.id());
        try {
            blobs.deleteAll("uploads/" + u.id());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // rows are gone; the sweeper of orphans (gc) finishes the job
        }
    }

    public List<Upload> mine(Principal who, Long beforeId, int max) {
        return meta.uploadsOf(who.userId(), beforeId, max);
    }

    // ---- delivery ----

    /** What delivery streams: the ordered segments of a finished upload, its size and a strong ETag. */
    public record Deliverable(Upload upload, List<Segment> segments, long size, String etag, String contentType) {}

    /** The media behind a delivery URL, if the signature is valid or the caller may read it; 404 otherwise. */
    public Deliverable deliverable(String mediaKey, String variant, Long expires, String signature, Principal whoOrNull) {
        Problem none = Problem.notFound("media_key", mediaKey);
        if (!ORIGINAL.equals(variant)) throw none;
        long id = idOf(mediaKey).orElseThrow(() -> none);
        Upload u = meta.findUpload(id).filter(x -> x.mediaKey().equals(mediaKey) && x.state() == State.SUCCEEDED).orElseThrow(() -> none);
        boolean signed = expires != null && signature != null && expires >= clock.getAsLong()
                && MessageDigest.isEqual(sign(mediaKey, variant, expires).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
        if (!signed && (whoOrNull == null || !u.readableBy(whoOrNull.userId()))) throw none;
        List<Segment> segs = meta.segments(id);
        long size = segs.stream().mapToLong(Segment::size).sum();
        // the segments' hashes pin the exact bytes: a strong validator without reading them
        MessageDigest d = digest();
        segs.forEach(s -> d.update(s.sha256().getBytes(StandardCharsets.US_ASCII)));
        String etag = "\"" + HexFormat.of().formatHex(d.digest(), 0, 16) + "\"";
        String type = u.info().imageType() != null ? u.info().imageType() : u.info().videoType() != null ? u.info().videoType() : u.mediaType();
        return new Deliverable(u, segs, size, etag, type);
    }

    /** Bytes [offset, offset+length) of the media, reading only the segments that hold them. */
    public InputStream open(Deliverable d, long offset, long length) throws IOException {
        List<InputStream> parts = new ArrayList<>();
        long pos = 0, end = offset + length;
        for (Segment s : d.segments()) {
            long segStart = pos, segEnd = pos + s.size();
            pos = segEnd;
            if (segEnd <= offset || segStart >= end) continue;
            long from = Math.max(offset, segStart) - segStart;
            parts.add(limited(blobs.open(s.blobKey(), from), Math.min(end, segEnd) - segStart - from));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    private static InputStream limited(InputStream in, long n) {
        return new java.io.FilterInputStream(in) {
            long left = n;

            @Override public int read() throws IOException {
                if (left <= 0) return -1;
                int b = super.read();
                if (b >= 0) left--;
                return b;
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int r = super.read(b, off, (int) Math.min(len, left));
                if (r > 0) left -= r;
                return r;
            }
        };
    }

    /** A delivery URL path with an expiry and an HMAC over (media_key, variant, expiry). */
    public String signedPath(Upload u, String variant) {
        long exp = clock.getAsLong() + urlTtlSecs;
        return "/media/" + u.mediaKey() + "/" + variant + "?exp=" + exp + "&sig=" + sign(u.mediaKey(), variant, exp);
    }

    private String sign(String mediaKey, String variant, long exp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(urlKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal((mediaKey + "\n" + variant + "\n" + exp).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
