package dev.mediaup.core;

import dev.mediaup.core.Problem.Kind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.mediaup.core.Problem.invalid;
import static dev.mediaup.core.Problem.of;
import static dev.mediaup.core.ProblemCode.ALREADY_FINALIZED;
import static dev.mediaup.core.ProblemCode.CHECKSUM_MISMATCH;
import static dev.mediaup.core.ProblemCode.DAILY_QUOTA;
import static dev.mediaup.core.ProblemCode.DIGEST_MISMATCH;
import static dev.mediaup.core.ProblemCode.FINALIZED_CONCURRENTLY;
import static dev.mediaup.core.ProblemCode.GRANT_CANNOT_DELETE;
import static dev.mediaup.core.ProblemCode.GRANT_CATEGORY;
import static dev.mediaup.core.ProblemCode.GRANT_NEEDS_TOTAL;
import static dev.mediaup.core.ProblemCode.GRANT_NOT_LIVE;
import static dev.mediaup.core.ProblemCode.GRANT_NO_CONCATENATION;
import static dev.mediaup.core.ProblemCode.GRANT_ONLY_UPLOADS;
import static dev.mediaup.core.ProblemCode.GRANT_ORIGIN;
import static dev.mediaup.core.ProblemCode.GRANT_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.GRANT_TYPE;
import static dev.mediaup.core.ProblemCode.GRANT_USED_UP;
import static dev.mediaup.core.ProblemCode.INCONSISTENT_LENGTH;
import static dev.mediaup.core.ProblemCode.INVALID_REPR_DIGEST;
import static dev.mediaup.core.ProblemCode.LOW_ON_STORAGE;
import static dev.mediaup.core.ProblemCode.MEDIA_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.MEDIA_TYPE_REQUIRED;
import static dev.mediaup.core.ProblemCode.MISSING_SEGMENTS;
import static dev.mediaup.core.ProblemCode.NOT_A_PARTIAL;
import static dev.mediaup.core.ProblemCode.NOT_A_VIDEO;
import static dev.mediaup.core.ProblemCode.NOT_SUBTITLES;
import static dev.mediaup.core.ProblemCode.NO_SEGMENTS;
import static dev.mediaup.core.ProblemCode.OFFSET_MISMATCH;
import static dev.mediaup.core.ProblemCode.OUT_OF_RANGE;
import static dev.mediaup.core.ProblemCode.OUT_OF_STORAGE;
import static dev.mediaup.core.ProblemCode.PARTIALS_SPENT;
import static dev.mediaup.core.ProblemCode.PARTIAL_INCOMPLETE;
import static dev.mediaup.core.ProblemCode.PARTIAL_NOT_MEDIA;
import static dev.mediaup.core.ProblemCode.REPEATED_PARAMETER;
import static dev.mediaup.core.ProblemCode.SEGMENTS_CHANGED;
import static dev.mediaup.core.ProblemCode.SEGMENTS_UNREADABLE;
import static dev.mediaup.core.ProblemCode.SEGMENT_NOT_STORED;
import static dev.mediaup.core.ProblemCode.SEGMENT_OVER_TOTAL;
import static dev.mediaup.core.ProblemCode.UPLOAD_COMPLETE;
import static dev.mediaup.core.ProblemCode.SEGMENT_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.SESSION_EXPIRED;
import static dev.mediaup.core.ProblemCode.SIZE_MISMATCH;
import static dev.mediaup.core.ProblemCode.STORED_QUOTA;
import static dev.mediaup.core.ProblemCode.TOTAL_BYTES_OVER_LIMIT;
import static dev.mediaup.core.ProblemCode.TUS_VERSION;
import static dev.mediaup.core.ProblemCode.TYPE_NOT_IN_CATEGORY;
import static dev.mediaup.core.ProblemCode.UPLOAD_GONE;
import static dev.mediaup.core.ProblemCode.WRONG_VIDEO_CATEGORY;

/**
 * The upload engine's protocol errors — sessions, segments and limits, quotas, tus, what a grant allows, media rules,
 * storage — declared once by name like {@link Problems}, each with its {@link ProblemCode}.
 */
public final class UploadProblems {
    private UploadProblems() {}

    public static Problem sessionExpired(long id, long expiresAt) {
        return invalid(SESSION_EXPIRED, "id", id, "The upload session for media " + id + " expired at " + expiresAt
                + " (epoch seconds); start a new upload.");
    }
    public static Problem alreadyFinalized(long id) {
        return of(Kind.CONFLICT, ALREADY_FINALIZED, "Media " + id + " is already finalized; segments can no longer be appended.", "id",
                id);
    }
    public static Problem segmentOverTotal(int index, long size, long newTotal, long max) {
        return of(Kind.TOO_LARGE, SEGMENT_OVER_TOTAL, "Segment " + index + " (" + size + " bytes) would bring the upload to " + newTotal
                + " bytes, beyond its limit of " + max + " (total_bytes or the category maximum); it was not stored.",
                "segment_index", index);
    }
    /** A segment refused while it streams: larger than the per-segment maximum or what the upload may still hold. */
    public static Problem segmentTooLarge(long limit) {
        return of(Kind.TOO_LARGE, SEGMENT_TOO_LARGE, "The segment exceeds the " + limit + "-byte limit for this upload (per-segment "
                + "maximum, total_bytes and category limit); it was not stored.", "media", null);
    }
    public static Problem mediaTooLarge(long size, long max, Category category) {
        return of(Kind.TOO_LARGE, MEDIA_TOO_LARGE, "The media is " + size + " bytes, beyond the " + max + "-byte limit for "
                + category.wire() + ".", "media", null);
    }
    public static Problem totalBytesOverLimit(long totalBytes, long max, Category category) {
        return invalid(TOTAL_BYTES_OVER_LIMIT, "total_bytes", totalBytes, "total_bytes " + totalBytes + " exceeds the " + max
                + "-byte limit for " + category.wire() + ".");
    }
    /** tus: an Upload-Length beyond what any category takes. */
    public static Problem uploadLengthOverLimit(long length, long max) {
        return invalid(TOTAL_BYTES_OVER_LIMIT, "Upload-Length", length, "Upload-Length exceeds the largest upload, " + max + " bytes.");
    }
    public static Problem dailyQuota(long quota, long used, long resetsAt) {
        return of(Kind.USAGE_CAPPED, DAILY_QUOTA, "Daily upload quota of " + quota + " bytes reached (" + used + " bytes uploaded "
                + "today); it resets at " + resetsAt + " (epoch seconds, 00:00 UTC).", "daily", used);
    }
    public static Problem storedQuota(long quota, long used) {
        return of(Kind.USAGE_CAPPED, STORED_QUOTA, "Storage quota of " + quota + " bytes reached (" + used + " bytes stored); let "
                + "unused uploads expire or delete media to make room.", "stored", used);
    }
    public static Problem segmentsChanged(long id) {
        return of(Kind.CONFLICT, SEGMENTS_CHANGED, "Segments of upload " + id + " changed while it was being finalized; FINALIZE again.",
                "id", id);
    }
    public static Problem finalizedConcurrently(long id) {
        return of(Kind.CONFLICT, FINALIZED_CONCURRENTLY, "Upload " + id + " was finalized concurrently.", "id", id);
    }
    public static Problem noSegments(long id) {
        return invalid(NO_SEGMENTS, "id", id, "No segments were appended to media " + id + "; append at least one before FINALIZE.");
    }
    public static Problem missingSegments(List<Integer> missing) {
        String list = missing.size() <= 20 ? missing.toString() : missing.subList(0, 20) + " and " + (missing.size() - 20) + " more";
        return invalid(MISSING_SEGMENTS, "segment_index", missing.toString(), "Segments " + list
                + " are missing; append them, then FINALIZE again.");
    }
    public static Problem sizeMismatch(long size, long totalBytes) {
        return invalid(SIZE_MISMATCH, "total_bytes", totalBytes, "The segments add up to " + size + " bytes but total_bytes is "
                + totalBytes + "; append the rest (or re-send a segment), then FINALIZE again.");
    }
    public static Problem checksumMismatch(String header, String expectedBase64, String algorithm) {
        return invalid(CHECKSUM_MISMATCH, header, expectedBase64, "The segment's " + algorithm + " does not match the " + header
                + " header; it was not stored.");
    }
    /** A Repr-Digest (RFC 9530) that is malformed, too long, or names no algorithm mediaup checks: nothing was started. */
    public static Problem invalidReprDigest(String value, String detail) {
        return invalid(INVALID_REPR_DIGEST, "Repr-Digest", value.length() > 120 ? value.substring(0, 120) + "…" : value, "Repr-Digest "
                + detail + " Send sha-256=:<the file's SHA-256 in base64>: (RFC 9530), or no Repr-Digest; nothing was stored.");
    }
    /** The whole media's SHA-256 is not the one its Repr-Digest declared. */
    public static Problem digestMismatch(String declaredHex, String actualHex) {
        return invalid(DIGEST_MISMATCH, "Repr-Digest", declaredHex, "The media's bytes have SHA-256 " + actualHex + ", not the "
                + declaredHex + " Repr-Digest declared; nothing was processed. Re-send the segments that differ, then FINALIZE again.");
    }
    /** tus answers a checksum mismatch with its own status, 460; the words are the same. */
    public static Problem tusChecksumMismatch(Problem mismatch) {
        return of(Kind.CHECKSUM_MISMATCH, CHECKSUM_MISMATCH, mismatch.detail(), mismatch.parameter, mismatch.value);
    }
    public static Problem typeNotInCategory(String mediaType, Category category, String accepted) {
        return invalid(TYPE_NOT_IN_CATEGORY, "media_type", mediaType, "media_type " + mediaType + " cannot be uploaded with "
                + "media_category " + category.wire() + " (it accepts " + accepted + ").");
    }
    /** A one-shot upload declares no type: what the bytes are decides, and this category does not take it. */
    public static Problem foundNotInCategory(String found, Category category, String accepted) {
        return invalid(TYPE_NOT_IN_CATEGORY, "media", found, "The media is " + found + ", which media_category " + category.wire()
                + " does not take (it accepts " + accepted + "); nothing was stored.");
    }
    /** The wire's answer to a refused write. */
    public static Problem refused(Refusal r) {
        return switch (r) {
            case Refusal.UnknownUpload u -> Problems.notFound("id", u.id());
            case Refusal.SessionExpired s -> sessionExpired(s.id(), s.expiresAt());
            case Refusal.AlreadyFinalized a -> alreadyFinalized(a.id());
            case Refusal.OverTotal o -> segmentOverTotal(o.index(), o.size(), o.newTotal(), o.max());
            case Refusal.DailyQuota d -> dailyQuota(d.quota(), d.used(), d.resetsAt());
            case Refusal.StoredQuota s -> storedQuota(s.quota(), s.used());
            case Refusal.SegmentsChanged c -> segmentsChanged(c.id());
            case Refusal.FinalizedConcurrently c -> finalizedConcurrently(c.id());
            case Refusal.OffsetMismatch o -> of(Kind.CONFLICT, OFFSET_MISMATCH, "Upload-Offset " + o.offset()
                    + " does not match the upload's offset " + o.actual() + "; ask with HEAD and resume from there.", "Upload-Offset",
                    o.offset());
            case Refusal.LengthConflict c -> inconsistentLength(c.declared(), "The upload " + c.id() + (c.known() != null
                    ? " was declared as " + c.known() + " bytes long" : " holds " + c.held() + " bytes") + "; "
                    + c.declared() + " does not match.");
            case Refusal.PartialIncomplete p -> invalid(PARTIAL_INCOMPLETE, "Upload-Concat", p.id(), "The partial upload " + p.id()
                    + " holds " + p.offset() + " of its " + p.length() + " bytes; finish it before concatenating.");
            case Refusal.GrantNotLive g -> of(Kind.UNAUTHORIZED, GRANT_NOT_LIVE, "The upload grant " + g.grantId()
                    + " was revoked or has expired.", null, null);
            case Refusal.GrantUsedUp g -> of(Kind.FORBIDDEN, GRANT_USED_UP, "The upload grant " + g.grantId() + " allowed " + g.uploads()
                    + (g.uploads() == 1 ? " upload" : " uploads") + "; all were started.", null, null);
            case Refusal.GrantCategory g -> invalid(GRANT_CATEGORY, "media_category", g.requested().wire(), "The upload grant "
                    + g.grantId() + " allows media_category " + g.allowed().wire() + " only.");
            case Refusal.GrantType g -> invalid(GRANT_TYPE, "media_type", g.requested(), "The upload grant " + g.grantId()
                    + " allows media_type " + String.join(", ", g.allowed()) + " only.");
            case Refusal.GrantNeedsTotal g -> invalid(GRANT_NEEDS_TOTAL, "total_bytes", null, "The upload grant " + g.grantId()
                    + " caps uploads at " + g.maxBytes() + " bytes: total_bytes is required.");
            case Refusal.GrantTooLarge g -> invalid(GRANT_TOO_LARGE, "total_bytes", g.totalBytes(), "total_bytes " + g.totalBytes()
                    + " exceeds the upload grant's " + g.maxBytes() + "-byte limit.");
        };
    }

    /** tus: a request without the protocol version this server speaks. */
    public static Problem tusVersion(String sent, String spoken) {
        return of(Kind.PRECONDITION_FAILED, TUS_VERSION, "This server speaks tus " + spoken + "; send Tus-Resumable: " + spoken + ".",
                "Tus-Resumable", sent);
    }
    /** tus: the upload's session ended before it was complete. */
    public static Problem uploadGone(long id) {
        return of(Kind.GONE, UPLOAD_GONE, "The upload " + id + " has ended (it expired, was terminated, or went into a final upload); "
                + "start a new upload.", "id", id);
    }
    /** Where the resumable-upload draft's problem types are registered. */
    private static final String HTTP_PROBLEM_TYPES = "https://iana.org/assignments/http-problem-types#";

    /** Resumable uploads for HTTP: the append's Upload-Offset is not the upload's, under the draft's problem type. */
    public static Problem mismatchingUploadOffset(long provided, long expected) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("expected-offset", expected);
        members.put("provided-offset", provided);
        return of(Kind.CONFLICT, OFFSET_MISMATCH, "Upload-Offset " + provided + " does not match the upload's offset " + expected
                + "; ask with HEAD and resume from there.", "Upload-Offset", provided)
                .typed(HTTP_PROBLEM_TYPES + "mismatching-upload-offset", members);
    }

    /** Two lengths of one upload differ (Upload-Length now and before, or with Content-Length at completion). */
    public static Problem inconsistentLength(long length, String detail) {
        return invalid(INCONSISTENT_LENGTH, "Upload-Length", length, detail);
    }

    /** A problem as resumable HTTP uploads name it: under the draft's registered type where it has one. */
    public static Problem asDraftProblem(Problem p) {
        return p.code == INCONSISTENT_LENGTH ? p.typed(HTTP_PROBLEM_TYPES + "inconsistent-upload-length", Map.of()) : p;
    }

    /** Resumable uploads for HTTP: bytes for an upload that is complete. */
    public static Problem uploadComplete(long id) {
        return of(Kind.CONFLICT, UPLOAD_COMPLETE, "The upload " + id + " is complete: it takes no more bytes.", "id", id);
    }

    /** A raw body whose type nobody said: neither its Content-Type, nor media_type, nor Upload-Metadata's filetype. */
    public static Problem mediaTypeRequired(String contentType) {
        return invalid(MEDIA_TYPE_REQUIRED, "media_type", contentType, "Say what the file is: its media type as Content-Type, "
                + "or media_type=… in the query (tus clients: filetype in Upload-Metadata).");
    }

    /** An upload of nothing could never finish: its last byte is what makes a tus upload media. */
    public static Problem emptyUpload() {
        return invalid(OUT_OF_RANGE, "Upload-Length", 0, "Upload-Length must be at least 1: an upload holds some bytes.");
    }
    /** tus: a final upload named partials already spent on another one (or on the same one in another order). */
    public static Problem partialsSpent(List<Long> partialIds) {
        return of(Kind.CONFLICT, PARTIALS_SPENT, "The partial uploads " + partialIds + " already went into a final upload, in another "
                + "order or with other parts; a partial upload is used once. Upload the parts again for a new final upload.",
                "Upload-Concat", partialIds.toString());
    }
    public static Problem partialNamedTwice(List<Long> partialIds) {
        return invalid(REPEATED_PARAMETER, "Upload-Concat", partialIds, "A partial upload may be named once.");
    }
    public static Problem notAPartial(long id) {
        return invalid(NOT_A_PARTIAL, "Upload-Concat", id, "Upload " + id + " is not a partial upload.");
    }
    public static Problem partialNotMedia(String id) {
        return invalid(PARTIAL_NOT_MEDIA, "id", id, "A tus partial upload becomes media only as part of a final upload.");
    }

    public static Problem notSubtitles(long subtitlesId) {
        return invalid(NOT_SUBTITLES, "subtitles.id", subtitlesId, "subtitles.id must be a finalized upload of media_category "
                + "subtitles.");
    }
    public static Problem notAVideo(long id, String wireType) {
        return invalid(NOT_A_VIDEO, "id", id, "Subtitles attach to videos; media " + id + " is a " + wireType + ".");
    }
    public static Problem wrongVideoCategory(long id, String expected, String given) {
        return invalid(WRONG_VIDEO_CATEGORY, "media_category", given, "media " + id + " is a " + expected + ", not a " + given + ".");
    }
    /** A grant's bearer asked for something besides its uploads. */
    public static Problem grantOnlyUploads() {
        return of(Kind.FORBIDDEN, GRANT_ONLY_UPLOADS, "An upload grant may only run its own uploads (initialize, append, finalize, "
                + "STATUS, tus) and look up or describe what it uploaded; everything else needs the granting user's token.", null, null);
    }
    /** tus termination of finalized media with a grant: media is the granting user's to delete, never a browser's. */
    public static Problem grantCannotDelete(String mediaKey) {
        return of(Kind.FORBIDDEN, GRANT_CANNOT_DELETE, "An upload grant may not delete media (" + mediaKey + " is finalized); a grant "
                + "may terminate only an upload still in progress. Deleting media needs the granting user's token.", null, null);
    }
    public static Problem grantNoConcatenation() {
        return of(Kind.FORBIDDEN, GRANT_NO_CONCATENATION, "An upload grant runs whole uploads; tus concatenation (partial uploads) needs "
                + "the user's own token.", null, null);
    }
    public static Problem grantOrigin(String grantId, String origin) {
        if (origin == null)
            return of(Kind.FORBIDDEN, GRANT_ORIGIN, "The upload grant " + grantId + " is bound to browser origins: it is accepted only "
                    + "from a page of one of them (a request with an Origin header), never from a request without one.", null, null);
        return of(Kind.FORBIDDEN, GRANT_ORIGIN, "The upload grant " + grantId + " may not be used from origin " + origin + ".", null,
                null);
    }
    public static Problem lowOnStorage() {
        return of(Kind.STORAGE_FULL, LOW_ON_STORAGE, "The server is low on storage; the media was not stored. Try again later.", null,
                null);
    }
    public static Problem outOfStorage() {
        return of(Kind.STORAGE_FULL, OUT_OF_STORAGE, "The server ran out of storage; the segment was not stored. Try again later.", null,
                null);
    }
    public static Problem segmentNotStored() {
        return of(Kind.UNAVAILABLE, SEGMENT_NOT_STORED, "The blob store could not store the segment; nothing was recorded. Try again.",
                null, null);
    }
    public static Problem segmentsUnreadable() {
        return of(Kind.UNAVAILABLE, SEGMENTS_UNREADABLE, "The stored segments could not be read; try FINALIZE again.", null, null);
    }

    /** A segment listing could not read a segment to work out its SHA-256 (our fault: a blob missing or unreadable). */
    public static Problem segmentUnreadable(int index) {
        return of(Kind.UNAVAILABLE, SEGMENTS_UNREADABLE, "Segment " + index + " could not be read to work out its SHA-256; try again.",
                null, null);
    }
}
