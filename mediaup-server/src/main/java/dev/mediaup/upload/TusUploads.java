package dev.mediaup.upload;

import dev.mediaup.core.BodyWriter;
import dev.mediaup.core.Category;
import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Refusal;
import dev.mediaup.core.Segment;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.UploadWrites;
import dev.mediaup.upload.UploadService.Checksum;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * What tus asks of an upload beyond X's protocol, on the same engine: where an upload stands (its offset), appends that
 * land only at that offset, partial uploads concatenated into a final one, and termination. An upload is still an
 * {@link UploadService} upload; this class adds the offset discipline and the partials' bookkeeping.
 */
public final class TusUploads {
    /** Where a tus upload stands: the upload, the bytes its segments hold, and how many segments there are. */
    public record Offset(Upload upload, long offset, int segments) {
        /** A new upload, before any byte. */
        public static Offset start(Upload u) {
            return new Offset(u, 0, 0);
        }
    }

    private final UploadService uploads;
    private final UploadReads reads;
    private final UploadWrites writes;

    public TusUploads(UploadService uploads, UploadReads reads, UploadWrites writes) {
        this.uploads = uploads;
        this.reads = reads;
        this.writes = writes;
    }

    /**
     * tus concatenation, its first half: a partial upload of {@code length} bytes, with no type of its own (the final
     * upload brings that). Grants do not concatenate: a grant counts uploads, and partials would escape the count.
     */
    public Upload startPartial(Principal who, long length) {
        if (who.viaGrant()) throw UploadProblems.grantNoConcatenation();
        long max = uploads.limits().largestUpload();
        if (length > max) throw UploadProblems.uploadLengthOverLimit(length, max);
        Category roomiest = Arrays.stream(Category.values()).max(Comparator.comparingLong(uploads.limits()::maxBytes)).orElseThrow();
        long now = uploads.now();
        return uploads.begin(who, Upload.started(uploads.newId(), who.userId(), Upload.TUS_PARTIAL, roomiest, length, false, List.of(),
                now, uploads.expiresAt(roomiest, now)));
    }

    /** The bytes the named partials hold together: the length of the final upload made of them. */
    public long length(Principal who, List<Long> partialIds) {
        return partials(who, partialIds).stream().mapToLong(p -> Objects.requireNonNullElse(p.totalBytes(), 0L)).sum();
    }

    /**
     * tus concatenation, its second half: the partials' bytes become {@code whole}'s (no byte copied), which is then
     * finalized like any upload. Each partial must be the caller's, complete, and named once.
     */
    public Upload concatenate(Principal who, Upload whole, List<Long> partialIds) {
        partials(who, partialIds);
        writes.concatenate(whole.id(), partialIds, uploads.now()).orElseThrow(UploadProblems::refused);
        Failpoint.TUS_CONCAT_AFTER_MOVE.hit();
        return uploads.finalizeUpload(who, whole.id());
    }

    /**
     * A final upload these partials already went into — the same final POST again, its first answer lost to a crash
     * or a network failure — finalized (if it was not yet) and returned; empty when they are still unspent.
     */
    public Optional<Upload> concatenatedBefore(Principal who, List<Long> partialIds) {
        List<Upload> partials = partials(who, partialIds);
        Set<Long> into = new HashSet<>();
        boolean inOrder = true;
        for (int at = 0; at < partialIds.size(); at++) {
            var spent = reads.concatenatedInto(partialIds.get(at));
            into.add(spent.map(UploadReads.Spent::finalId).orElse(-1L));
            inOrder &= spent.map(UploadReads.Spent::position).orElse(-1) == at;
        }
        if (into.contains(-1L)) return Optional.empty(); // some are unspent: the concatenation refuses the spent ones
        // the same parts in the same order are the same upload, asked for again; anything else names other bytes
        long before = into.iterator().next();
        if (into.size() != 1 || !inOrder || !sameLength(who, before, partials)) throw UploadProblems.partialsSpent(partialIds);
        return Optional.of(uploads.finalizeUpload(who, before));
    }

    /** Whether the final upload holds exactly these partials' bytes (not more of them than were named again). */
    private boolean sameLength(Principal who, long finalId, List<Upload> partials) {
        long sum = partials.stream().mapToLong(p -> Objects.requireNonNullElse(p.totalBytes(), 0L)).sum();
        return Objects.equals(uploads.owned(who, finalId).totalBytes(), sum);
    }

    /** The named partial uploads, each the caller's and named once. */
    private List<Upload> partials(Principal who, List<Long> partialIds) {
        if (new HashSet<>(partialIds).size() != partialIds.size())
            throw UploadProblems.partialNamedTwice(partialIds);
        List<Upload> out = new ArrayList<>();
        for (long pid : partialIds) {
            Upload p = uploads.owned(who, pid);
            if (!p.tusPartial()) throw UploadProblems.notAPartial(pid);
            out.add(p);
        }
        return out;
    }

    /**
     * The caller's upload and its offset, as HEAD reports it: a FINALIZE may have finished (and dropped the segments)
     * after the upload was first read, so an unfinalized upload is read again after its segments — one still
     * unfinalized then had all of them then.
     */
    public Offset offset(Principal who, long id) {
        Offset at = position(who, id);
        if (at.upload().state().finalized()) return at;
        Upload now = reads.find(id).orElse(at.upload());
        return now.state().finalized() ? whole(now) : new Offset(now, at.offset(), at.segments());
    }

    /**
     * The caller's upload and its offset as read once, for a PATCH about to append: whatever happens meanwhile, the
     * append itself is checked again under the upload's row lock.
     */
    public Offset position(Principal who, long id) {
        Upload u = uploads.owned(who, id);
        if (u.state().finalized()) return whole(u);
        List<Segment> segs = reads.segments(id);
        return new Offset(u, segs.stream().mapToLong(Segment::size).sum(), segs.size());
    }

    /**
     * A finalized upload holds every byte it declared, whatever became of its segments (processing may have replaced
     * them): a tus client that lost the last answer and asks again is told it is done, not sent back to 0.
     */
    private static Offset whole(Upload u) {
        long size = u.totalBytes() != null ? u.totalBytes() : u.size() != null ? u.size() : 0;
        return new Offset(u, size, 0);
    }

    /**
     * tus PATCH: the body becomes the upload's next segment, durable before this returns, provided the upload holds
     * exactly {@code offset} bytes when it is recorded (checked again under the upload's row lock, so two PATCHes at
     * one offset cannot both land, on any node). {@code at} is where the caller found the upload. A PATCH may bring
     * everything that is left (tus clients send the whole file in one request by default). Returns where the upload
     * now stands (as recorded: no second read).
     */
    public Offset appendAt(Offset at, long offset, Checksum checksum, long declaredLength, BodyWriter body) {
        Upload u = takesBytesAt(at, offset);
        long maxTotal = u.maxBytes(uploads.limits().maxBytes(u.category()));
        long limit = maxTotal - offset;
        if (limit <= 0) throw UploadProblems.segmentTooLarge(0);
        UploadService.Recorded put = uploads.record(u, at::segments, offset, checksum, declaredLength, limit, maxTotal, body);
        return new Offset(put.upload(), offset + put.size(), at.segments() + 1);
    }

    /** The upload, when it still takes bytes and stands at {@code offset}; refused otherwise. */
    private Upload takesBytesAt(Offset at, long offset) {
        Upload u = at.upload();
        u.appendRefusal(uploads.now()).ifPresent(r -> {
            throw UploadProblems.refused(r);
        });
        if (at.offset() != offset) throw UploadProblems.refused(new Refusal.OffsetMismatch(u.id(), offset, at.offset()));
        return u;
    }

    /** What an append of an arriving body did: where the upload now stands, and whether the body was cut off. */
    public record Appended(Offset at, boolean interrupted) {}

    /**
     * An append of a request body at {@code offset}, kept as far as it arrives: when the body is cut off (the
     * connection dropped, fewer bytes than its Content-Length), the bytes that did arrive are appended all the same —
     * durable and recorded before this returns, like any append — and the client resumes after them. Not so with a
     * {@code checksum}, which covers the whole body: a body cut off cannot match it, so nothing of it is kept. With
     * {@code piece} bytes per segment (0: one segment), a long body becomes several, and {@code progress} hears each new
     * offset as soon as it is durable (resumable HTTP's 104 progress answers promise exactly that). An empty body
     * appends nothing.
     */
    public Appended appendArriving(Offset at, long offset, Checksum checksum, long declaredLength, InputStream body, long piece,
                                   LongConsumer progress) {
        takesBytesAt(at, offset); // an empty body appends nothing, and is refused like any append all the same
        ArrivingBody in = new ArrivingBody(body);
        long max = checksum != null || piece <= 0 ? Long.MAX_VALUE : piece;
        long left = declaredLength;
        while (!in.atEnd()) {
            long before = at.offset();
            try {
                at = appendAt(at, before, checksum, left < 0 ? -1 : Math.min(left, max), out -> {
                    in.copy(out, max);
                    if (in.interrupted()) Failpoint.APPEND_CUT_OFF_BEFORE_STORE.hit();
                });
            } catch (Problem p) {
                if (checksum != null && in.interrupted()) return new Appended(at, true); // the client is gone: nothing to tell it
                throw p;
            }
            if (left >= 0) left = Math.max(0, left - (at.offset() - before));
            if (in.ended()) break;
            Failpoint.APPEND_ARRIVING_AFTER_PIECE.hit();
            progress.accept(at.offset());
        }
        return new Appended(at, in.interrupted());
    }

    /**
     * Gives an upload started without a length its length (tus's deferred length, a resumable HTTP upload whose client
     * learns it at the end): once, never another, never below what it holds, never over its category's limit.
     */
    public Upload declareLength(Upload u, long length) {
        long max = uploads.limits().maxBytes(u.category());
        if (length > max) throw UploadProblems.uploadLengthOverLimit(length, max);
        if (Objects.equals(u.totalBytes(), length)) return u;
        return writes.declareLength(u.id(), length, uploads.now()).orElseThrow(UploadProblems::refused);
    }

    /**
     * tus termination by a grant's bearer: an upload still in progress ends now (its bytes go with the next sweep, its
     * row stays, so the grant's listing still shows it, as expired); finalized media is never a grant's to delete.
     * Repeating it is harmless.
     */
    public void abandon(Principal who, long id) {
        Upload u = uploads.owned(who, id);
        if (u.state() == State.UPLOADING && writes.abandon(id, uploads.now())) return;
        Upload now = reads.find(id).orElse(u);
        if (now.state().finalized()) throw UploadProblems.grantCannotDelete(now.mediaKey());
    }
}
