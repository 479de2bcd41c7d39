package dev.mediaup.upload;

import dev.mediaup.Problem;
import dev.mediaup.Problem.Kind;
import dev.mediaup.auth.Principal;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.MetadataStore;
import dev.mediaup.upload.Media.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.*;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.*;

/**
 * The upload state machine: initialize → append* → finalize → processing → succeeded | failed | expired.
 * Knows nothing of HTTP; every wire dialect calls these methods. Bytes go to the BlobStore, facts to the
 * MetadataStore, and an append returns only after both are durable.
 */
public final class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    public static final int MAX_SEGMENT_INDEX = 999;
    public static final int MAX_ADDITIONAL_OWNERS = 100;
    public static final String PROCESS_JOB = "process";

    /** Tunables, all configurable; defaults follow X's published limits. */
    public record Settings(Map<Category, Long> categoryMaxBytes, long maxSegmentBytes, long expiresAfterSecs,
                           long amplifyExpiresAfterSecs, long maxPixels, long minFreeBytes, MetadataStore.Quota quota, long retentionSecs) {
        public static Settings defaults() {
            Map<Category, Long> m = new EnumMap<>(Category.class);
            long mib = 1024L * 1024;
            m.put(Category.TWEET_IMAGE, 5 * mib);
            m.put(Category.DM_IMAGE, 5 * mib);
            m.put(Category.TWEET_GIF, 15 * mib);
            m.put(Category.DM_GIF, 15 * mib);
            // long-form video: the spec's 16 GiB ceiling (X's seed example initializes an 8 GiB tweet_video)
            m.put(Category.TWEET_VIDEO, 16L * 1024 * mib);
            m.put(Category.AMPLIFY_VIDEO, 16L * 1024 * mib);
            m.put(Category.DM_VIDEO, 512 * mib);
            m.put(Category.SUBTITLES, 5 * mib);
            // 16 GiB / 1000 segments needs > 16 MiB per segment
            return new Settings(m, 32 * mib, 86_400, 1_295_999, 100_000_000L, 64 * mib, MetadataStore.Quota.NONE, 0);
        }
    }

    /** What initialize needs; {@code category} null means "infer from media_type" as X does. */
    public record InitRequest(String mediaType, Category category, Long totalBytes, boolean shared, List<String> additionalOwners) {}

    /**
     * The processors FINALIZE hands media to (implemented in processing): families that are not {@link Family#processedAsync()}
     * are processed while FINALIZE waits; the rest are queued as jobs.
     */
    public interface Processor {
        /** {@code mediaType}: what the bytes really are (the sniffed type), which may differ from the declared one. */
        Outcome inline(Upload u, List<Segment> segs, String mediaType) throws IOException;
    }

    /** What processing learned or why it refused the media, and whether what it made replaces the original bytes. */
    public record Outcome(Info info, Failure failure, boolean replacesOriginal) {}

    /** Optional integrity check the client sent for one segment. */
    public record Checksum(String algorithm, byte[] expected, String header) {}

    private final MetadataStore meta;
    private final BlobStore blobs;
    private final Ids ids;
    private final Settings settings;
    private final Sniffer sniffer;
    private final java.util.function.LongSupplier clock;
    private final Processor processor;

    public UploadService(MetadataStore meta, BlobStore blobs, Ids ids, Settings settings, java.util.function.LongSupplier epochSeconds,
                         Processor processor) {
        this.processor = processor;
        this.meta = meta;
        this.blobs = blobs;
        this.ids = ids;
        this.settings = settings;
        this.sniffer = new Sniffer(settings.maxPixels());
        this.clock = epochSeconds;
    }

    public Settings settings() { return settings; }

    public long now() { return clock.getAsLong(); }

    // ---- initialize ----

    public Upload initialize(Principal who, InitRequest r) {
        Category category = r.category() != null ? r.category() : Category.inferFrom(r.mediaType());
        if (!category.mediaTypes.contains(r.mediaType()))
            throw Problem.invalid("media_type", r.mediaType(), "media_type " + r.mediaType() + " cannot be uploaded with media_category "
                    + category.wire() + " (it accepts " + String.join(", ", new TreeSet<>(category.mediaTypes)) + ").");
        long max = settings.categoryMaxBytes().get(category);
        if (r.totalBytes() != null && r.totalBytes() > max)
            throw new Problem(Kind.INVALID, "total_bytes " + r.totalBytes() + " exceeds the " + max + "-byte limit for "
                    + category.wire() + ".", "total_bytes", String.valueOf(r.totalBytes()));
        checkOwners(r.additionalOwners());
        long now = now();
        checkQuota(who.userId(), r.totalBytes() == null ? 0 : r.totalBytes(), now);
        long window = category == Category.AMPLIFY_VIDEO ? settings.amplifyExpiresAfterSecs() : settings.expiresAfterSecs();
        Upload u = new Upload(ids.next(), who.userId(), r.mediaType(), category, category.family(r.mediaType()), r.totalBytes(),
                r.shared(), List.copyOf(new LinkedHashSet<>(r.additionalOwners())), State.UPLOADING, now, now + window,
                null, 0, Info.NONE, null, null, 0);
        meta.createUpload(u);
        return u;
    }

    /** At initialize, the declared total_bytes must fit what is left of the quotas; appends enforce them exactly. */
    private void checkQuota(String user, long declared, long now) {
        var q = settings.quota();
        if (q.dailyBytes() == null && q.storedBytes() == null) return;
        var usage = meta.usage(user, Math.floorDiv(now, 86_400));
        if (q.dailyBytes() != null && usage.uploadedToday() + declared > q.dailyBytes()) throw dailyQuota(q.dailyBytes(), usage.uploadedToday(), now);
        if (q.storedBytes() != null && usage.storedBytes() + declared > q.storedBytes()) throw storedQuota(q.storedBytes(), usage.storedBytes());
    }

    public static Problem dailyQuota(long quota, long used, long now) {
        long reset = (Math.floorDiv(now, 86_400) + 1) * 86_400;
        return new Problem(Kind.USAGE_CAPPED, "Daily upload quota of " + quota + " bytes reached (" + used + " bytes uploaded today); it resets at "
                + reset + " (epoch seconds, 00:00 UTC).", "daily", String.valueOf(used));
    }

    public static Problem storedQuota(long quota, long used) {
        return new Problem(Kind.USAGE_CAPPED, "Storage quota of " + quota + " bytes reached (" + used + " bytes stored); let unused uploads "
                + "expire or delete media to make room.", "stored", String.valueOf(used));
    }

    static void checkOwners(List<String> owners) {
        if (owners.size() > MAX_ADDITIONAL_OWNERS)
            throw Problem.invalid("additional_owners", owners.size() + " ids", "At most " + MAX_ADDITIONAL_OWNERS + " additional_owners are allowed.");
        for (String o : owners)
            if (!o.matches("[0-9]{1,19}"))
                throw Problem.invalid("additional_owners", o, "additional_owners entries must be user ids of 1 to 19 digits.");
    }

    // ---- append ----

    /** Looks up an upload the caller owns and may still append to; 404 for anyone else. */
    public Upload appendable(Principal who, long id) {
        Upload u = owned(who, id);
        checkAppendable(u, now());
        return u;
    }

    /** Segments go only to a live, unfinalized session; checked again inside the transaction that records one. */
    public static void checkAppendable(Upload u, long now) {
        if (u.sessionExpired(now)) throw expired(u);
        if (u.state() != State.UPLOADING)
            throw new Problem(Kind.CONFLICT, "Media " + u.id() + " is already finalized; segments can no longer be appended.", "id", u.idString());
    }

    /**
     * Streams one segment to durable storage and records it. Returns the upload's expires_at. The {@code index} may be
     * unknown while the bytes stream (multipart puts segment_index after the media part): it is asked for afterwards.
     */
    public long append(Upload u, java.util.function.IntSupplier index, Checksum checksum, long declaredLength, BlobStore.Writer body) {
        return append(u, index, checksum, declaredLength, settings.maxSegmentBytes(), body);
    }

    /** The same, with a tighter per-segment limit for a dialect that has one (v1.1: 5 MB per APPEND). */
    public long append(Upload u, java.util.function.IntSupplier index, Checksum checksum, long declaredLength, long maxSegmentBytes,
                       BlobStore.Writer body) {
        long limit = Math.min(Math.min(settings.maxSegmentBytes(), maxSegmentBytes), maxTotal(u));
        if (declaredLength > limit) throw tooLarge(limit);
        Stored st = store(u.id(), limit, declaredLength, checksum == null ? null : checksum.algorithm(), body);
        boolean recorded = false;
        try {
            if (checksum != null && !MessageDigest.isEqual(st.checked(), checksum.expected()))
                throw Problem.invalid(checksum.header(), Base64.getEncoder().encodeToString(checksum.expected()),
                        "The segment's " + checksum.algorithm() + " does not match the " + checksum.header() + " header; it was not stored.");
            int idx = index.getAsInt();
            var put = meta.putSegment(new Segment(u.id(), idx, st.size(), HexFormat.of().formatHex(st.sha256()), st.key()), now(), maxTotal(u), settings.quota());
            recorded = true;
            put.replacedBlob().ifPresent(this::deleteQuietly);
            return put.upload().expiresAt();
        } finally {
            if (!recorded) deleteQuietly(st.key());
        }
    }

    /** A segment written to the blob store: where, how big, its SHA-256 and (when asked for) a second digest. */
    private record Stored(String key, long size, byte[] sha256, byte[] checked) {}

    /** Streams a body into a new, durable segment blob, refusing it as soon as it passes {@code limit} bytes. */
    private Stored store(long uploadId, long limit, long declaredLength, String checkAlgorithm, BlobStore.Writer body) {
        if (blobs.freeBytes() - Math.max(declaredLength, 0) < settings.minFreeBytes())
            throw Problem.of(Kind.STORAGE_FULL, "The server is low on storage; the media was not stored. Try again later.");
        String key = "uploads/" + uploadId + "/s" + Long.toHexString(ids.next());
        // a store that hashes what it stores anyway (S3 over plain HTTP signs each payload) hands its SHA-256 over
        MessageDigest sha = blobs instanceof BlobStore.Hashing ? null : digest("SHA-256");
        MessageDigest extra = checkAlgorithm == null || checkAlgorithm.equals("SHA-256") ? null : digest(checkAlgorithm);
        MessageDigest[] digests = java.util.stream.Stream.of(sha, extra).filter(Objects::nonNull).toArray(MessageDigest[]::new);
        BlobStore.Writer writer = out -> {
            OutputStream limited = new LimitedOutputStream(out, limit, () -> tooLarge(limit));
            if (digests.length == 0) {
                body.writeTo(limited);
                limited.flush();
                return;
            }
            var o = new OffThreadDigest(limited, digests);
            body.writeTo(o);
            o.flush();
            o.awaitDigests();
        };
        try {
            long size;
            byte[] shaBytes;
            if (blobs instanceof BlobStore.Hashing h) {
                var put = h.putHashed(key, writer);
                size = put.size();
                shaBytes = put.sha256();
            } else {
                size = blobs.put(key, writer);
                shaBytes = sha.digest();
            }
            return new Stored(key, size, shaBytes, extra == null ? shaBytes : extra.digest());
        } catch (IOException e) {
            throw storageFailure(e);
        }
    }

    private long maxTotal(Upload u) {
        long cat = settings.categoryMaxBytes().get(u.category());
        return u.totalBytes() == null ? cat : Math.min(cat, u.totalBytes());
    }

    private static Problem tooLarge(long limit) {
        return new Problem(Kind.TOO_LARGE, "The segment exceeds the " + limit + "-byte limit for this upload (per-segment maximum, total_bytes "
                + "and category limit); it was not stored.", "media", null);
    }

    public static Problem expired(Upload u) {
        return Problem.invalid("id", u.idString(), "The upload session for media " + u.id() + " expired at " + u.expiresAt()
                + " (epoch seconds); start a new upload.");
    }

    private static Problem storageFailure(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota"))
            return Problem.of(Kind.STORAGE_FULL, "The server ran out of storage; the segment was not stored. Try again later.");
        return Problem.of(Kind.UNAVAILABLE, "The segment could not be stored; nothing was recorded. Try again.");
    }

    private void deleteQuietly(String key) {
        try {
            blobs.delete(key);
        } catch (IOException e) {
            log.warn("could not delete blob {}: {}", key, e.toString());
        }
    }

    // ---- one-shot ----

    /** What a one-shot upload says besides the bytes; known only once the whole body has been read. */
    public record OneShotRequest(Category category, List<String> additionalOwners) {}

    /**
     * The one-shot upload: the body streams into a segment of a fresh upload id first (clients may put media_category
     * after the media), then the request is validated, and the upload is created, recorded and finalized in one go.
     */
    public Upload oneShot(Principal who, long declaredLength, BlobStore.Writer body, java.util.function.Supplier<OneShotRequest> request) {
        long id = ids.next();
        long limit = settings.categoryMaxBytes().values().stream().mapToLong(Long::longValue).max().orElseThrow();
        Stored st = store(id, limit, declaredLength, null, body);
        boolean kept = false;
        try {
            OneShotRequest r = request.get();
            checkOwners(r.additionalOwners());
            long max = settings.categoryMaxBytes().get(r.category());
            long size = st.size();
            if (size > max)
                throw new Problem(Kind.TOO_LARGE, "The media is " + size + " bytes, beyond the " + max + "-byte limit for " + r.category().wire() + ".", "media", null);
            // the declared type is what the bytes are, if the category takes it; otherwise the category's own, and the sniff will refuse it
            String detected;
            try (InputStream in = blobs.open(st.key())) {
                detected = Sniffer.detect(in.readNBytes(Sniffer.PREFIX));
            }
            String type = r.category().mediaTypes.contains(detected) ? detected : new TreeSet<>(r.category().mediaTypes).first();
            long now = now();
            long window = r.category() == Category.AMPLIFY_VIDEO ? settings.amplifyExpiresAfterSecs() : settings.expiresAfterSecs();
            Upload u = new Upload(id, who.userId(), type, r.category(), r.category().family(type), size, false,
                    List.copyOf(new LinkedHashSet<>(r.additionalOwners())), State.UPLOADING, now, now + window, null, 0, Info.NONE, null, null, 0);
            meta.createUpload(u);
            meta.putSegment(new Segment(id, 0, size, HexFormat.of().formatHex(st.sha256()), st.key()), now, size, settings.quota());
            kept = true;
            return complete(u, meta.segments(id));
        } catch (IOException e) {
            throw storageFailure(e);
        } finally {
            if (!kept) deleteQuietly(st.key());
        }
    }

    // ---- finalize, status, segments ----

    public Upload finalizeUpload(Principal who, long id) {
        Upload u = owned(who, id);
        if (u.state().finalized()) return u; // finalize is idempotent: a retried FINALIZE answers like the first
        if (u.sessionExpired(now())) throw expired(u);
        List<Segment> segs = meta.segments(id);
        long size = 0;
        List<Integer> missing = new ArrayList<>();
        int expectedNext = 0;
        for (Segment s : segs) {
            for (int i = expectedNext; i < s.index(); i++) missing.add(i);
            expectedNext = s.index() + 1;
            size += s.size();
        }
        if (segs.isEmpty())
            throw Problem.invalid("id", u.idString(), "No segments were appended to media " + id + "; append at least one before FINALIZE.");
        if (!missing.isEmpty())
            throw Problem.invalid("segment_index", missing.toString(), "Segments " + abbreviate(missing) + " are missing; append them, then FINALIZE again.");
        if (u.totalBytes() != null && size != u.totalBytes())
            throw Problem.invalid("total_bytes", String.valueOf(u.totalBytes()), "The segments add up to " + size
                    + " bytes but total_bytes is " + u.totalBytes() + "; append the rest (or re-send a segment), then FINALIZE again.");

        return complete(u, segs);
    }

    /** Sniffs the assembled media and records the outcome: processed now for images, a queued job for video and GIF. */
    private Upload complete(Upload u, List<Segment> segs) {
        long id = u.id(), size = segs.stream().mapToLong(Segment::size).sum();
        Sniffer.Verdict v = sniffer.check(u.family(), u.mediaType(), prefix(segs), () -> content(segs));
        long now = now();
        long expiresAt = now + (u.category() == Category.AMPLIFY_VIDEO ? settings.amplifyExpiresAfterSecs() : settings.expiresAfterSecs());
        if (v.failure() != null) return meta.finalizeUpload(id, segs, null, State.FAILED, size, Info.NONE, v.failure(), null, now, expiresAt);
        if (u.family().processedAsync())
            return meta.finalizeUpload(id, segs, null, State.PENDING, size, v.info(), null, PROCESS_JOB, now, expiresAt);
        Outcome o;
        String original = null;
        try {
            o = processor.inline(u, segs, v.mediaType());
            if (o.failure() == null && !o.replacesOriginal()) original = assembled(id, segs);
        } catch (IOException e) {
            throw storageFailure(e);
        }
        if (o.failure() != null) return meta.finalizeUpload(id, segs, null, State.FAILED, size, v.info(), o.failure(), null, now, expiresAt);
        Info info = o.info() == Info.NONE ? v.info() : o.info();
        Upload done;
        try {
            done = meta.finalizeUpload(id, segs, original, State.SUCCEEDED, size, info, null, null, now, expiresAt);
        } catch (RuntimeException e) {
            if (original != null) deleteQuietly(original);
            throw e;
        }
        if (o.replacesOriginal()) dropOriginal(id, segs);
        else if (original != null) for (Segment s : segs) deleteQuietly(s.blobKey());
        return done;
    }

    /**
     * The segments of an original that is kept, assembled into one blob where the store does that without the bytes
     * passing through mediaup (an object store: server-side copies): one object to serve, ranged or by presigned URL.
     * Its key, or null where there is nothing to gain: one segment already, or a store that serves files in place.
     */
    private String assembled(long id, List<Segment> segs) throws IOException {
        if (segs.size() < 2 || !(blobs instanceof BlobStore.Assembling a)) return null;
        String key = "uploads/" + id + "/o" + Long.toHexString(ids.next());
        a.assemble(key, segs.stream().map(s -> new BlobStore.Piece(s.blobKey(), s.size())).toList());
        return key;
    }

    /**
     * For queued processing, before it reports success: an original that is kept becomes one assembled blob (see
     * {@link #assembled}). Crash-safe: until it is recorded, the assembled blob is an orphan the sweeper removes, and
     * after it the segment blobs are.
     */
    public void keepOriginal(long id, List<Segment> segs) throws IOException {
        String original = assembled(id, segs);
        if (original == null) return;
        if (!meta.setOriginal(id, segs, original)) {
            deleteQuietly(original);
            return;
        }
        for (Segment s : segs) deleteQuietly(s.blobKey());
    }

    /**
     * Forgets the uploaded bytes once processing made what is served from them (unless originals are kept): rows
     * first, then blobs, so a crash in between leaves only orphans the sweeper removes.
     */
    public void dropOriginal(long id, List<Segment> segs) {
        meta.deleteSegments(id);
        for (Segment s : segs) deleteQuietly(s.blobKey());
    }

    private static String abbreviate(List<Integer> missing) {
        return missing.size() <= 20 ? missing.toString()
                : missing.subList(0, 20) + " and " + (missing.size() - 20) + " more";
    }

    /** STATUS: owner and additional owners (and anyone, for shared media) may look; the rest get 404. */
    public Upload status(Principal who, long id) {
        Upload u = meta.findUpload(id).filter(x -> x.readableBy(who.userId()))
                .orElseThrow(() -> Problem.notFound("media_id", Long.toString(id)));
        if (u.sessionExpired(now())) throw expired(u);
        return u;
    }

    public List<Segment> segments(Principal who, long id) {
        owned(who, id);
        return meta.segments(id);
    }

    private Upload owned(Principal who, long id) {
        return meta.findUpload(id).filter(u -> u.ownerId().equals(who.userId()))
                .orElseThrow(() -> Problem.notFound("id", Long.toString(id)));
    }

    /** The media's bytes in order, read lazily segment by segment: finalize never concatenates. */
    public InputStream content(List<Segment> segs) {
        return blobs.openAll(segs.stream().map(Segment::blobKey).toList());
    }

    private byte[] prefix(List<Segment> segs) {
        try (InputStream in = content(segs)) {
            return in.readNBytes(Sniffer.PREFIX);
        } catch (IOException | UncheckedIOException e) {
            throw Problem.of(Kind.UNAVAILABLE, "The stored segments could not be read; try FINALIZE again.");
        }
    }

    // ---- housekeeping ----

    /** What a sweep did, for logs and `bin/mediaup gc`. */
    public record Swept(int expiredSessions, int purgedUploads, int retiredMedia, int orphanBlobs) {}

    /**
     * Expires idle sessions and deletes their bytes, retires media past the retention period (when one is set), and,
     * with {@code orphans}, removes blobs nothing refers to (a crash between a blob's fsync and its row's commit leaves
     * one) once they are an hour old, so an append in flight is never touched. Safe on any node at any time, and to
     * crash halfway: every step is repeated by the next sweep.
     */
    public Swept sweep(boolean orphans) {
        long now = now();
        int expired = meta.expireUploads(now), purged = 0, retired = 0, orphaned = 0;
        for (long id : meta.expiredWithSegments(1000)) {
            try {
                blobs.deleteAll("uploads/" + id);
                meta.deleteSegments(id);
                purged++;
            } catch (IOException e) {
                log.warn("could not delete bytes of expired upload {}: {}", id, e.toString());
            }
        }
        if (settings.retentionSecs() > 0) {
            for (long id : meta.mediaCreatedBefore(now - settings.retentionSecs(), 1000)) {
                meta.deleteUpload(id);
                deleteAllQuietly("uploads/" + id);
                retired++;
            }
        }
        if (orphans) {
            try {
                blobs.removeAbandoned(now - 86_400); // an assembly takes minutes, never a day
            } catch (IOException e) {
                log.warn("could not remove abandoned writes: {}", e.toString());
            }
            try {
                Map<Long, Set<String>> referenced = new HashMap<>();
                for (var e : blobs.list("uploads")) {
                    if (e.modifiedAt() > now - 3600) continue;
                    String[] parts = e.key().split("/");
                    if (parts.length < 3 || !parts[1].matches("[0-9]{1,19}")) continue;
                    long id = Long.parseLong(parts[1]);
                    Set<String> keys = referenced.computeIfAbsent(id, x -> {
                        Set<String> k = new HashSet<>();
                        // where the bytes are: once an original is assembled, its segment blobs are no longer referenced
                        meta.stored(x).forEach(seg -> k.add(seg.blobKey()));
                        meta.variants(List.of(x)).forEach(var -> k.add(var.blobKey()));
                        return k;
                    });
                    if (!keys.contains(e.key())) {
                        deleteQuietly(e.key());
                        orphaned++;
                    }
                }
            } catch (IOException e) {
                log.warn("orphan sweep failed: {}", e.toString());
            }
        }
        return new Swept(expired, purged, retired, orphaned);
    }

    private void deleteAllQuietly(String prefix) {
        try {
            blobs.deleteAll(prefix);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", prefix, e.toString());
        }
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops a stream at {@code limit} bytes: a segment larger than allowed is refused while it streams, not after. */
    private static final class LimitedOutputStream extends FilterOutputStream {
        private final long limit;
        private final java.util.function.Supplier<Problem> problem;
        private long count;

        LimitedOutputStream(OutputStream out, long limit, java.util.function.Supplier<Problem> problem) {
            super(out);
            this.limit = limit;
            this.problem = problem;
        }

        @Override public void write(int b) throws IOException {
            if (++count > limit) throw problem.get();
            out.write(b);
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (count > limit) throw problem.get();
            out.write(b, off, len);
        }
    }
}
