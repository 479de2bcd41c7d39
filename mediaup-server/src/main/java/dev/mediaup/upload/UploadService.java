package dev.mediaup.upload;

import dev.mediaup.config.LimitsConfig;
import dev.mediaup.core.BlobKeys;
import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Category;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Segment;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Usage;
import dev.mediaup.core.UserId;
import dev.mediaup.store.BlobStore;
import dev.mediaup.store.SegmentDigests;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.UploadWrites.Finalization;
import dev.mediaup.store.UploadWrites.Original;
import dev.mediaup.store.UploadWrites;
import dev.mediaup.store.UsageLedger;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The upload state machine: initialize → append* → finalize → processing → succeeded | failed | expired.
 * Knows nothing of HTTP; every wire dialect calls these methods. Bytes go to the BlobStore, facts to the
 * UploadStore, and an append returns only after both are durable. The rules themselves are methods of the core
 * types ({@link Upload#appendRefusal}, {@link Quota#refusal}), asked here before the bytes stream and by the store
 * again inside the transaction that records them; what becomes of media once processed is {@link Outcomes}' call.
 */
public final class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    /** The kind of job FINALIZE queues for media processed after it answers. */
    public static final String PROCESS_JOB = "process";

    /** What initialize needs; {@code category} null means "infer from media_type" as X does. */
    /** {@code declaredSha256}: the whole file's SHA-256 (hex) the client declared in a Repr-Digest, or null. */
    public record InitRequest(String mediaType, Category category, Long totalBytes, boolean shared, List<String> additionalOwners,
                              String declaredSha256) {
        public InitRequest(String mediaType, Category category, Long totalBytes, boolean shared, List<String> additionalOwners) {
            this(mediaType, category, totalBytes, shared, additionalOwners, null);
        }

        public InitRequest withDeclaredSha256(String hex) {
            return new InitRequest(mediaType, category, totalBytes, shared, additionalOwners, hex);
        }
    }

    /** Optional integrity check the client sent for one segment. */
    public record Checksum(String algorithm, byte[] expected, String header) {}

    private final UploadReads reads;
    private final UploadWrites writes;
    private final UsageLedger ledger;
    private final SegmentListing listing;
    private final BlobStore blobs;
    private final SegmentWriter segments;
    private final Ids ids;
    private final LimitsConfig limits;
    private final Sniffer sniffer;
    private final LongSupplier clock;
    private final Processor processor;
    private final Outcomes outcomes;
    private final DeclaredContent declared;
    private final OneShotUploads oneShots;
    private final Runnable jobQueued;
    private final StatusWatch watch;
    /** Counted here, not by the dialects, so every dialect (X v2, command form, v1.1, tus) moves the same counters. */
    private final MeterRegistry metrics;

    /** {@code jobQueued}: told when FINALIZE queued a job, so workers need not wait for their next poll. */
    public UploadService(UploadReads reads, UploadWrites writes, UsageLedger ledger, SegmentDigests digests, BlobStore blobs, Ids ids,
                         LimitsConfig limits,
                         LongSupplier epochSeconds, Processor processor, Outcomes outcomes, Runnable jobQueued, StatusWatch watch,
                         MeterRegistry metrics) {
        this.metrics = metrics;
        this.jobQueued = jobQueued;
        this.watch = watch;
        this.reads = reads;
        this.writes = writes;
        this.ledger = ledger;
        this.blobs = blobs;
        this.segments = new SegmentWriter(blobs, ids, limits.minFreeBytes());
        this.ids = ids;
        this.limits = limits;
        this.sniffer = new Sniffer(limits.maxPixels());
        this.clock = epochSeconds;
        this.processor = processor;
        this.outcomes = outcomes;
        this.listing = new SegmentListing(reads, digests, blobs);
        this.declared = new DeclaredContent(reads, digests, blobs, processor);
        this.oneShots = new OneShotUploads(this, reads, writes, blobs, segments, ids, limits);
    }

    public LimitsConfig limits() { return limits; }

    /** A new upload id (tus partials are made by {@link TusUploads}). */
    long newId() { return ids.next(); }

    public long now() { return clock.getAsLong(); }

    /** What the caller has used today and in all, against its quotas (the console's account page). */
    public Usage usage(Principal who) {
        if (who.appOnly()) throw Problems.userContextRequired();
        return ledger.usage(who.userId(), Quota.epochDay(now()));
    }

    long expiresAt(Category c, long now) {
        return now + limits.sessionWindow(c).toSeconds();
    }

    // ---- initialize ----

    public Upload initialize(Principal who, InitRequest r) {
        // without a category, a grant's bearer uploads in the grant's; anyone else's is inferred from the type, as X does
        Category category = r.category() != null ? r.category()
                : who.viaGrant() ? who.grant().category() : Category.inferFrom(r.mediaType());
        if (!category.mediaTypes.contains(r.mediaType()))
            throw UploadProblems.typeNotInCategory(r.mediaType(), category, String.join(", ", new TreeSet<>(category.mediaTypes)));
        long max = limits.maxBytes(category);
        if (r.totalBytes() != null && r.totalBytes() > max) throw UploadProblems.totalBytesOverLimit(r.totalBytes(), max, category);
        checkOwners(r.additionalOwners());
        long now = now();
        // the declared total_bytes must fit what is left of the quotas; appends enforce them exactly
        if (!limits.quota().unlimited()) {
            long declared = r.totalBytes() == null ? 0 : r.totalBytes();
            Usage usage = ledger.usage(who.userId(), Quota.epochDay(now));
            limits.quota().initRefusal(usage, declared, now).ifPresent(x -> {
                throw UploadProblems.refused(x);
            });
        }
        if (who.viaGrant())
            who.grant().initRefusal(r.mediaType(), r.category(), r.totalBytes(), now).ifPresent(x -> {
                throw UploadProblems.refused(x);
            });
        return begin(who, Upload.started(ids.next(), who.userId(), r.mediaType(), category, r.totalBytes(), r.shared(),
                List.copyOf(new LinkedHashSet<>(r.additionalOwners())), now, expiresAt(category, now))
                .withDeclaredSha256(r.declaredSha256()));
    }

    /** Whether the owner already holds the bytes the upload's Repr-Digest names: see {@link DeclaredContent#held}. */
    public boolean holds(Principal who, Upload u) {
        return declared.held(who, u).isPresent();
    }

    /**
     * Records a new upload. A grant's bearer starts it under the grant: the grant decides shared and additional_owners
     * (the browser does not), caps the video's duration, and one of its uses is claimed in the same transaction.
     */
    Upload begin(Principal who, Upload u) {
        if (who.viaGrant()) u = u.startedWith(who.grant());
        Upload created = writes.create(u, u.createdAt()).orElseThrow(UploadProblems::refused);
        if (!created.tusPartial()) metrics.counter("mediaup.uploads.initialized", "category", created.category().wire()).increment();
        return created;
    }

    static void checkOwners(List<String> owners) {
        if (owners.size() > Upload.MAX_ADDITIONAL_OWNERS) throw Problems.tooManyOwners(owners.size());
        for (String o : owners) if (!UserId.valid(o)) throw Problems.badUserId("additional_owners", o);
    }

    // ---- append ----

    /** Looks up an upload the caller owns and may still append to; 404 for anyone else. */
    public Upload appendable(Principal who, long id) {
        Upload u = owned(who, id);
        u.appendRefusal(now()).ifPresent(r -> {
            throw UploadProblems.refused(r);
        });
        return u;
    }

    /**
     * Streams one segment to durable storage and records it. Returns the upload's expires_at. The {@code index} may be
     * unknown while the bytes stream (multipart puts segment_index after the media part): it is asked for afterwards.
     */
    public long append(Upload u, IntSupplier index, Checksum checksum, long declaredLength, BodyWriter body) {
        return append(u, index, checksum, declaredLength, limits.maxSegmentBytes(), body);
    }

    /** The same, with a tighter per-segment limit for a dialect that has one (v1.1: 5 MB per APPEND). */
    public long append(Upload u, IntSupplier index, Checksum checksum, long declaredLength, long maxSegmentBytes, BodyWriter body) {
        long maxTotal = u.maxBytes(limits.maxBytes(u.category()));
        long limit = Math.min(Math.min(limits.maxSegmentBytes(), maxSegmentBytes), maxTotal);
        return record(u, index, null, checksum, declaredLength, limit, maxTotal, body).upload().expiresAt();
    }

    /** What recording a segment did: the upload as it stands and the segment's size. */
    record Recorded(Upload upload, long size) {}

    Recorded record(Upload u, IntSupplier index, Long atOffset, Checksum checksum, long declaredLength, long limit,
                              long maxTotal, BodyWriter body) {
        if (declaredLength > limit) throw UploadProblems.segmentTooLarge(limit);
        SegmentWriter.Stored st = segments.store(u.id(), limit, declaredLength, checksum == null ? null : checksum.algorithm(), false,
                body);
        Failpoint.APPEND_AFTER_BLOB.hit();
        boolean recorded = false;
        try {
            if (checksum != null && !MessageDigest.isEqual(st.checked(), checksum.expected()))
                throw UploadProblems.checksumMismatch(checksum.header(), Base64.getEncoder().encodeToString(checksum.expected()),
                        checksum.algorithm());
            int idx = index.getAsInt();
            var segment = new Segment(u.id(), idx, st.size(), st.sha256() == null ? null : HexFormat.of().formatHex(st.sha256()),
                    st.key());
            var put = (atOffset == null ? writes.putSegment(segment, now(), maxTotal, limits.quota())
                    : writes.putSegmentAt(segment, atOffset, now(), maxTotal, limits.quota())).orElseThrow(UploadProblems::refused);
            recorded = true;
            metrics.counter("mediaup.segments.appended").increment();
            Failpoint.APPEND_AFTER_ROW.hit();
            put.replacedBlob().ifPresent(old -> {
                Failpoint.APPEND_RESEND_BEFORE_OLD_BLOB_DELETE.hit();
                segments.deleteQuietly(old);
            });
            return new Recorded(put.upload(), st.size());
        } finally {
            if (!recorded) segments.deleteQuietly(st.key());
        }
    }

    // ---- one-shot ----

    /** What a one-shot upload says besides the bytes; known only once the whole body has been read. */
    public record OneShotRequest(Category category, List<String> additionalOwners) {}

    /**
     * The one-shot upload: the body streams into a segment of a fresh upload id first (clients may put media_category
     * after the media), then the request is validated, and the upload is created, recorded and finalized in one go.
     */
    public Upload oneShot(Principal who, long declaredLength, BodyWriter body, Supplier<OneShotRequest> request) {
        return oneShot(who, declaredLength, body, request, null);
    }

    /** {@code declaredSha256}: the file's SHA-256 (hex) its Repr-Digest declared, checked before anything is recorded. */
    public Upload oneShot(Principal who, long declaredLength, BodyWriter body, Supplier<OneShotRequest> request, String declaredSha256) {
        return oneShots.upload(who, declaredLength, body, request, declaredSha256);
    }

    // ---- finalize, status, segments ----

    public Upload finalizeUpload(Principal who, long id) {
        Upload u = owned(who, id);
        if (u.tusPartial())
            throw UploadProblems.partialNotMedia(u.idString());
        if (u.state().finalized()) return u; // finalize is idempotent: a retried FINALIZE answers like the first
        if (u.sessionExpired(now())) throw UploadProblems.sessionExpired(u.id(), u.expiresAt());
        Failpoint.FINALIZE_AFTER_LOOKUP.hit();
        try {
            List<Segment> segs = reads.segments(id);
            long size = 0;
            List<Integer> missing = new ArrayList<>();
            int expectedNext = 0;
            for (Segment s : segs) {
                for (int i = expectedNext; i < s.index(); i++) missing.add(i);
                expectedNext = s.index() + 1;
                size += s.size();
            }
            if (segs.isEmpty()) return finalizedAsHeld(who, u).orElseThrow(() -> UploadProblems.noSegments(id));
            if (!missing.isEmpty()) throw UploadProblems.missingSegments(missing);
            if (u.totalBytes() != null && size != u.totalBytes()) throw UploadProblems.sizeMismatch(size, u.totalBytes());
            return complete(who, u, segs);
        } catch (RuntimeException e) {
            // another FINALIZE of the same upload won after this one read it as unfinalized — its state changed first,
            // or it dropped the segments this one was about to read (none left, or fewer), checked or was reading:
            // answer as a repeated FINALIZE does, with the upload as it left it
            Optional<Upload> won = reads.find(id).filter(x -> x.state().finalized());
            if (won.isPresent()) return won.get();
            throw e;
        }
    }

    /**
     * FINALIZE with no appends, of an upload whose owner already holds the bytes its Repr-Digest names: new media over
     * them at once — the held media's variants, shared — whatever the family (nothing is left to process).
     */
    private Optional<Upload> finalizedAsHeld(Principal who, Upload u) {
        return declared.shareHeld(who, u).map(held -> {
            long now = now();
            Original kept = held.original() == null ? Original.DROPPED
                    : held.original().key() != null ? Original.assembled(held.original().key()) : Original.SHARED_PARTS;
            Upload done = writes.finalizeUpload(Finalization.succeeded(u.id(), List.of(), kept, held.size(), held.info(), now,
                    expiresAt(u.category(), now))).orElseThrow(UploadProblems::refused);
            metrics.counter("mediaup.uploads.finalized", "state", done.state().wire()).increment();
            return done;
        });
    }

    /** Sniffs the assembled media and records the outcome: processed now for images, a queued job for video and GIF. */
    Upload complete(Principal who, Upload u, List<Segment> segs) {
        declared.check(u, segs);
        // its bytes are all in: blobs the store made ready for more of them are not needed
        blobs.capabilities().reserving().ifPresent(r -> r.releaseReserved(BlobKeys.prefix(u.id())));
        Upload done = outcome(who, u, segs);
        metrics.counter("mediaup.uploads.finalized", "state", done.state().wire()).increment();
        return done;
    }

    private Upload outcome(Principal who, Upload u, List<Segment> segs) {
        long id = u.id(), size = segs.stream().mapToLong(Segment::size).sum();
        Sniffer.Verdict v = sniffer.check(u.family(), u.mediaType(), prefix(segs), () -> content(segs));
        Failpoint.FINALIZE_AFTER_SNIFF.hit();
        long now = now();
        long expiresAt = expiresAt(u.category(), now);
        if (v.failure() != null)
            return writes.finalizeUpload(Finalization.failed(id, segs, Original.SEGMENTS, size, MediaInfo.NONE, v.failure(), now,
                    expiresAt)).orElseThrow(UploadProblems::refused);
        // a grant's type cap holds on what the bytes are, not on what the browser declared; such bytes are not kept
        Optional<Failure> offGrant = who.viaGrant() ? who.grant().typeFailure(v.mediaType()) : Optional.empty();
        if (offGrant.isPresent()) return outcomes.rejected(u, segs, offGrant.get(), now, expiresAt);
        if (u.family().processedAsync()) {
            Upload queued = writes.finalizeUpload(Finalization.queued(id, segs, size, v.info(), PROCESS_JOB, now, expiresAt))
                    .orElseThrow(UploadProblems::refused);
            Failpoint.FINALIZE_AFTER_QUEUE.hit();
            jobQueued.run();
            return queued;
        }
        try {
            return outcomes.recordInline(u, segs, v.info(), processor.inline(u, segs, v.mediaType()), now, expiresAt);
        } catch (IOException e) {
            throw SegmentWriter.storageFailure(e);
        }
    }

    /** STATUS: owner and additional owners (and anyone, for shared media) may look; the rest get 404. */
    public Upload status(Principal who, long id) {
        // a grant's bearer sees its own uploads only, even shared media of the same user
        Upload u = reads.find(id).filter(x -> who.viaGrant() ? x.drivableBy(who) : x.readableBy(who.userId()))
                .orElseThrow(() -> Problems.notFound("media_id", id));
        if (u.sessionExpired(now())) throw UploadProblems.sessionExpired(u.id(), u.expiresAt());
        return u;
    }

    /**
     * STATUS as a long poll: the upload as soon as its state or progress moves from what it is now, or as it is after
     * {@code wait} — at once when it is settled or {@code wait} is zero.
     */
    public Upload status(Principal who, long id, Duration wait) throws InterruptedException {
        Upload u = status(who, id);
        if (wait.isZero() || StatusWatch.settled(u)) return u;
        Upload changed = watch.next(id, StatusWatch.version(u), wait);
        return changed != null ? changed : u;
    }

    /** For a stream of changes: the upload once it differs from {@code seen} (a {@link StatusWatch#version}), or null after {@code max}. */
    public Upload changedFrom(long id, String seen, Duration max) throws InterruptedException {
        return watch.next(id, seen, max);
    }

    /** Whether streams of changes should go on (false once the node is stopping). */
    public boolean watching() {
        return !watch.closed();
    }

    /** The segment rows, each with its SHA-256 ({@link SegmentListing}). */
    public List<Segment> segments(Principal who, long id) {
        owned(who, id);
        return listing.of(id);
    }

    Upload owned(Principal who, long id) {
        return reads.find(id).filter(u -> u.drivableBy(who)).orElseThrow(() -> Problems.notFound("id", id));
    }

    /** The media's bytes in order, read lazily segment by segment: finalize never concatenates. */
    private InputStream content(List<Segment> segs) {
        return blobs.openAll(segs.stream().map(Segment::blobKey).toList());
    }

    private byte[] prefix(List<Segment> segs) {
        try (InputStream in = content(segs)) {
            return in.readNBytes(Sniffer.PREFIX);
        } catch (IOException | UncheckedIOException e) {
            throw UploadProblems.segmentsUnreadable();
        }
    }
}
