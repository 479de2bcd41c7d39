package dev.mediaup.core;

import dev.mediaup.core.Problem.Kind;

import java.util.List;

/**
 * Every protocol error of the upload engine, declared once by name (tusd's {@code ErrNotFound = NewError(…)} idea):
 * call sites pick one, so the same failure always reads the same way on the wire, and a reader finds them all here.
 */
public final class Problems {
    private Problems() {}

    /** 404 for a media id the caller may not see; the same answer whether it exists or not. */
    public static Problem notFound(String parameter, String id) {
        return Problem.notFound(parameter, id);
    }

    public static Problem notFound(String parameter, long id) {
        return notFound(parameter, Long.toString(id));
    }

    public static Problem sessionExpired(long id, long expiresAt) {
        return Problem.invalid("id", Long.toString(id), "The upload session for media " + id + " expired at " + expiresAt
                + " (epoch seconds); start a new upload.");
    }

    public static Problem alreadyFinalized(long id) {
        return new Problem(Kind.CONFLICT, "Media " + id + " is already finalized; segments can no longer be appended.", "id",
                Long.toString(id));
    }

    public static Problem segmentOverTotal(int index, long size, long newTotal, long max) {
        return new Problem(Kind.TOO_LARGE, "Segment " + index + " (" + size + " bytes) would bring the upload to " + newTotal
                + " bytes, beyond its limit of " + max + " (total_bytes or the category maximum); it was not stored.",
                "segment_index", Integer.toString(index));
    }

    /** A segment refused while it streams: larger than the per-segment maximum or what the upload may still hold. */
    public static Problem segmentTooLarge(long limit) {
        return new Problem(Kind.TOO_LARGE, "The segment exceeds the " + limit + "-byte limit for this upload (per-segment maximum, "
                + "total_bytes and category limit); it was not stored.", "media", null);
    }

    public static Problem mediaTooLarge(long size, long max, Category category) {
        return new Problem(Kind.TOO_LARGE, "The media is " + size + " bytes, beyond the " + max + "-byte limit for " + category.wire()
                + ".", "media", null);
    }

    public static Problem dailyQuota(long quota, long used, long resetsAt) {
        return new Problem(Kind.USAGE_CAPPED, "Daily upload quota of " + quota + " bytes reached (" + used + " bytes uploaded today); "
                + "it resets at " + resetsAt + " (epoch seconds, 00:00 UTC).", "daily", String.valueOf(used));
    }

    public static Problem storedQuota(long quota, long used) {
        return new Problem(Kind.USAGE_CAPPED, "Storage quota of " + quota + " bytes reached (" + used + " bytes stored); let unused "
                + "uploads expire or delete media to make room.", "stored", String.valueOf(used));
    }

    public static Problem segmentsChanged(long id) {
        return new Problem(Kind.CONFLICT, "Segments of upload " + id + " changed while it was being finalized; FINALIZE again.", "id",
                Long.toString(id));
    }

    public static Problem finalizedConcurrently(long id) {
        return new Problem(Kind.CONFLICT, "Upload " + id + " was finalized concurrently.", "id", Long.toString(id));
    }

    /** The wire's answer to a refused write. */
    public static Problem refused(Refusal r) {
        return switch (r) {
            case Refusal.UnknownUpload u -> notFound("id", u.id());
            case Refusal.SessionExpired s -> sessionExpired(s.id(), s.expiresAt());
            case Refusal.AlreadyFinalized a -> alreadyFinalized(a.id());
            case Refusal.OverTotal o -> segmentOverTotal(o.index(), o.size(), o.newTotal(), o.max());
            case Refusal.DailyQuota d -> dailyQuota(d.quota(), d.used(), d.resetsAt());
            case Refusal.StoredQuota s -> storedQuota(s.quota(), s.used());
            case Refusal.SegmentsChanged c -> segmentsChanged(c.id());
            case Refusal.FinalizedConcurrently c -> finalizedConcurrently(c.id());
            case Refusal.OffsetMismatch o -> new Problem(Kind.CONFLICT, "Upload-Offset " + o.offset()
                    + " does not match the upload's offset " + o.actual() + "; ask with HEAD and resume from there.", "Upload-Offset",
                    Long.toString(o.offset()));
            case Refusal.PartialIncomplete p -> Problem.invalid("Upload-Concat", Long.toString(p.id()), "The partial upload " + p.id()
                    + " holds " + p.offset() + " of its " + p.length() + " bytes; finish it before concatenating.");
            case Refusal.GrantNotLive g -> unauthorized("The upload grant " + g.grantId() + " was revoked or has expired.");
            case Refusal.GrantUsedUp g -> forbidden("The upload grant " + g.grantId() + " allowed " + g.uploads()
                    + (g.uploads() == 1 ? " upload" : " uploads") + "; all were started.");
            case Refusal.GrantCategory g -> Problem.invalid("media_category", g.requested().wire(), "The upload grant " + g.grantId()
                    + " allows media_category " + g.allowed().wire() + " only.");
            case Refusal.GrantType g -> Problem.invalid("media_type", g.requested(), "The upload grant " + g.grantId()
                    + " allows media_type " + String.join(", ", g.allowed()) + " only.");
            case Refusal.GrantNeedsTotal g -> Problem.invalid("total_bytes", null, "The upload grant " + g.grantId()
                    + " caps uploads at " + g.maxBytes() + " bytes: total_bytes is required.");
            case Refusal.GrantTooLarge g -> new Problem(Kind.INVALID, "total_bytes " + g.totalBytes() + " exceeds the upload grant's "
                    + g.maxBytes() + "-byte limit.", "total_bytes", String.valueOf(g.totalBytes()));
        };
    }

    public static Problem typeNotInCategory(String mediaType, Category category, String accepted) {
        return Problem.invalid("media_type", mediaType, "media_type " + mediaType + " cannot be uploaded with media_category "
                + category.wire() + " (it accepts " + accepted + ").");
    }

    /** A one-shot upload declares no type: what the bytes are decides, and this category does not take it. */
    public static Problem foundNotInCategory(String found, Category category, String accepted) {
        return Problem.invalid("media", found, "The media is " + found + ", which media_category " + category.wire()
                + " does not take (it accepts " + accepted + "); nothing was stored.");
    }

    public static Problem totalBytesOverLimit(long totalBytes, long max, Category category) {
        return new Problem(Kind.INVALID, "total_bytes " + totalBytes + " exceeds the " + max + "-byte limit for " + category.wire() + ".",
                "total_bytes", String.valueOf(totalBytes));
    }

    public static Problem tooManyOwners(int count) {
        return Problem.invalid("additional_owners", count + " ids", "At most " + Upload.MAX_ADDITIONAL_OWNERS
                + " additional_owners are allowed.");
    }

    public static Problem badOwner(String owner) {
        return Problem.invalid("additional_owners", owner, "additional_owners entries must be user ids of " + UserId.RULE + ".");
    }

    public static Problem badUserId(String userId) {
        return Problem.invalid("user_id", userId, "user_id must be a user id of " + UserId.RULE + ".");
    }

    public static Problem checksumMismatch(String header, String expectedBase64, String algorithm) {
        return Problem.invalid(header, expectedBase64, "The segment's " + algorithm + " does not match the " + header
                + " header; it was not stored.");
    }

    /** tus: a final upload named partials already spent on another one (or on the same one in another order). */
    public static Problem partialsSpent(List<Long> partialIds) {
        return new Problem(Kind.CONFLICT, "The partial uploads " + partialIds + " already went into a final upload, in another "
                + "order or with other parts; a partial upload is used once. Upload the parts again for a new final upload.",
                "Upload-Concat", partialIds.toString());
    }

    /** tus: a request without the protocol version this server speaks. */
    public static Problem tusVersion(String sent, String spoken) {
        return new Problem(Kind.PRECONDITION_FAILED, "This server speaks tus " + spoken + "; send Tus-Resumable: " + spoken + ".",
                "Tus-Resumable", sent);
    }

    /** tus: the upload's session ended before it was complete. */
    public static Problem uploadGone(long id) {
        return new Problem(Kind.GONE, "The upload " + id + " has ended (it expired, was terminated, or went into a final upload); "
                + "start a new upload.", "id", Long.toString(id));
    }

    /** tus answers a checksum mismatch with its own status, 460; the words are the same. */
    public static Problem tusChecksumMismatch(Problem mismatch) {
        return new Problem(Kind.CHECKSUM_MISMATCH, mismatch.detail(), mismatch.parameter, mismatch.value);
    }

    public static Problem noSegments(long id) {
        return Problem.invalid("id", Long.toString(id), "No segments were appended to media " + id
                + "; append at least one before FINALIZE.");
    }

    public static Problem missingSegments(List<Integer> missing) {
        String list = missing.size() <= 20 ? missing.toString() : missing.subList(0, 20) + " and " + (missing.size() - 20) + " more";
        return Problem.invalid("segment_index", missing.toString(), "Segments " + list + " are missing; append them, then FINALIZE again.");
    }

    public static Problem sizeMismatch(long size, long totalBytes) {
        return Problem.invalid("total_bytes", String.valueOf(totalBytes), "The segments add up to " + size + " bytes but total_bytes is "
                + totalBytes + "; append the rest (or re-send a segment), then FINALIZE again.");
    }

    public static Problem lowOnStorage() {
        return Problem.of(Kind.STORAGE_FULL, "The server is low on storage; the media was not stored. Try again later.");
    }

    public static Problem outOfStorage() {
        return Problem.of(Kind.STORAGE_FULL, "The server ran out of storage; the segment was not stored. Try again later.");
    }

    public static Problem segmentNotStored() {
        return Problem.of(Kind.UNAVAILABLE, "The blob store could not store the segment; nothing was recorded. Try again.");
    }

    public static Problem segmentsUnreadable() {
        return Problem.of(Kind.UNAVAILABLE, "The stored segments could not be read; try FINALIZE again.");
    }

    /** A backend failed and nothing was recorded (what the stores' {@link Unavailable} becomes on the wire). */
    public static Problem unavailable(Unavailable u) {
        return Problem.of(Kind.UNAVAILABLE, u.getMessage());
    }

    /** A grant's bearer asked for something besides its uploads. */
    public static Problem grantOnlyUploads() {
        return forbidden("An upload grant may only run its own uploads (initialize, append, finalize, STATUS, tus) and look "
                + "up or describe what it uploaded; everything else needs the granting user's token.");
    }

    /** tus termination of finalized media with a grant: media is the granting user's to delete, never a browser's. */
    public static Problem grantCannotDelete(String mediaKey) {
        return forbidden("An upload grant may not delete media (" + mediaKey + " is finalized); a grant may terminate only an "
                + "upload still in progress. Deleting media needs the granting user's token.");
    }

    public static Problem grantNoConcatenation() {
        return forbidden("An upload grant runs whole uploads; tus concatenation (partial uploads) needs the user's own token.");
    }

    public static Problem grantOrigin(String grantId, String origin) {
        if (origin == null)
            return forbidden("The upload grant " + grantId + " is bound to browser origins: it is accepted only from a page of one "
                    + "of them (a request with an Origin header), never from a request without one.");
        return forbidden("The upload grant " + grantId + " may not be used from origin " + origin + ".");
    }

    public static Problem unauthorized(String detail) {
        return Problem.of(Kind.UNAUTHORIZED, detail);
    }

    public static Problem internal() {
        return Problem.of(Kind.INTERNAL, "Something went wrong on our side; nothing was changed. Try again.");
    }
    // ---- the request itself: bodies, fields, parameters (api) ----

    /** The request body as a whole is unusable (unreadable, cut short, not the JSON or form it claims to be). */
    public static Problem badBody(String detail) {
        return Problem.invalid("body", null, detail);
    }

    /** The request body is larger than the endpoint reads. */
    public static Problem bodyTooLarge(long limit) {
        return new Problem(Kind.TOO_LARGE, "The request body is larger than " + limit + " bytes.", null, null);
    }

    /** The media part or member is missing, repeated, malformed or in the wrong place. */
    public static Problem badMedia(String parameter, String detail) {
        return Problem.invalid(parameter, null, detail);
    }

    public static Problem required(String parameter) {
        return Problem.invalid(parameter, null, parameter + " is required.");
    }

    /** A required parameter, with a hint of its form. */
    public static Problem required(String parameter, String hint) {
        return Problem.invalid(parameter, null, parameter + " is required" + hint + ".");
    }

    /** A field the endpoint does not take; {@code where}: " in APPEND", "" … */
    public static Problem unknownField(String name, String value, String where) {
        return Problem.invalid(name, value, "Unknown field " + name + where + ".");
    }

    public static Problem unknownParameter(String name, String value, String where) {
        return Problem.invalid(name, value, "Unknown parameter " + name + " for " + where + ".");
    }

    public static Problem repeated(String name) {
        return Problem.invalid(name, null, name + " appears twice.");
    }

    public static Problem repeatedField(String name) {
        return Problem.invalid(name, null, "The field " + name + " appears twice.");
    }

    public static Problem fieldTooLong(String name) {
        return Problem.invalid(name, null, "The field " + name + " is too long.");
    }

    /** A value of the wrong form: "{@code name} must be {@code expected}." */
    public static Problem mustBe(String name, String value, String expected) {
        return Problem.invalid(name, value, name + " must be " + expected + ".");
    }

    public static Problem badQueryValue(String parameter, String value, String rule) {
        return Problem.invalid(parameter, value, "The `" + parameter + "` query parameter value [" + value + "] " + rule);
    }

    /** What JSON Schema validation of an extension's body found first. */
    public static Problem schemaViolation(String where, String value, String message) {
        return Problem.invalid(where, value, "Invalid request: " + message);
    }

    public static Problem segmentIndexRange(String raw) {
        return mustBe("segment_index", raw, "an integer from 0 to 999");
    }

    public static Problem languageCode(String lang) {
        return mustBe("language_code", lang, "two capital letters (e.g. EN)");
    }

    public static Problem unknownCommand(String command) {
        return mustBe("command", command, "INIT, APPEND, FINALIZE or STATUS");
    }

    public static Problem altText() {
        return Problem.invalid("alt_text", null, "alt_text.text must be a string of at most 1000 characters.");
    }

    /** A value this endpoint refuses, for the reason given (limits and combinations the rules above do not name). */
    public static Problem invalid(String parameter, String value, String detail) {
        return Problem.invalid(parameter, value, detail);
    }

    public static Problem unsupportedBody(String detail, String parameter, String value) {
        return new Problem(Kind.UNSUPPORTED, detail, parameter, value);
    }

    public static Problem rangeNotSatisfiable(String range, long size) {
        return new Problem(Kind.RANGE_NOT_SATISFIABLE, "The range " + range + " is outside the " + size + " bytes of this media.", "Range",
                range);
    }

    public static Problem noSuchEndpoint(String method, String path) {
        return new Problem(Kind.NOT_FOUND, "No such endpoint: " + method + " " + path, null, null);
    }

    public static Problem methodNotAllowed(String method, String path) {
        return new Problem(Kind.METHOD_NOT_ALLOWED, "Method " + method + " is not allowed on " + path + ".", null, null);
    }

    // ---- media rules (media) ----

    public static Problem notSubtitles(long subtitlesId) {
        return Problem.invalid("subtitles.id", Long.toString(subtitlesId),
                "subtitles.id must be a finalized upload of media_category subtitles.");
    }

    public static Problem notAVideo(long id, String wireType) {
        return Problem.invalid("id", Long.toString(id), "Subtitles attach to videos; media " + id + " is a " + wireType + ".");
    }

    public static Problem wrongVideoCategory(long id, String expected, String given) {
        return Problem.invalid("media_category", given, "media " + id + " is a " + expected + ", not a " + given + ".");
    }

    // ---- who may call (auth, api) ----

    public static Problem forbidden(String detail) {
        return Problem.of(Kind.FORBIDDEN, detail);
    }

    public static Problem rateLimited() {
        return Problem.of(Kind.RATE_LIMITED, "Too Many Requests");
    }

    /** Not a bad request: the server cannot take more of these right now. */
    public static Problem busy(String detail) {
        return Problem.of(Kind.UNAVAILABLE, detail);
    }
}
