package dev.mediaup.core;

import dev.mediaup.core.Problem.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static dev.mediaup.core.ProblemCode.ALREADY_FINALIZED;
import static dev.mediaup.core.ProblemCode.APP_ONLY;
import static dev.mediaup.core.ProblemCode.BODY_ENDED_EARLY;
import static dev.mediaup.core.ProblemCode.BODY_REQUIRED;
import static dev.mediaup.core.ProblemCode.BODY_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.BODY_UNREADABLE;
import static dev.mediaup.core.ProblemCode.BUSY;
import static dev.mediaup.core.ProblemCode.CHECKSUM_MISMATCH;
import static dev.mediaup.core.ProblemCode.DAILY_QUOTA;
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
import static dev.mediaup.core.ProblemCode.INTERNAL;
import static dev.mediaup.core.ProblemCode.INVALID_TIME_RANGE;
import static dev.mediaup.core.ProblemCode.INVALID_UNICODE;
import static dev.mediaup.core.ProblemCode.LOW_ON_STORAGE;
import static dev.mediaup.core.ProblemCode.MALFORMED_MULTIPART;
import static dev.mediaup.core.ProblemCode.MALFORMED_VALUE;
import static dev.mediaup.core.ProblemCode.MEDIA_NOT_ALLOWED;
import static dev.mediaup.core.ProblemCode.MEDIA_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.METHOD_NOT_ALLOWED;
import static dev.mediaup.core.ProblemCode.MISSING_PARAMETER;
import static dev.mediaup.core.ProblemCode.MISSING_SCOPE;
import static dev.mediaup.core.ProblemCode.MISSING_SEGMENTS;
import static dev.mediaup.core.ProblemCode.NOT_A_PARTIAL;
import static dev.mediaup.core.ProblemCode.NOT_A_VIDEO;
import static dev.mediaup.core.ProblemCode.NOT_BASE64;
import static dev.mediaup.core.ProblemCode.NOT_FORM;
import static dev.mediaup.core.ProblemCode.NOT_FOUND;
import static dev.mediaup.core.ProblemCode.NOT_JSON;
import static dev.mediaup.core.ProblemCode.NOT_JSON_OBJECT;
import static dev.mediaup.core.ProblemCode.NOT_ONE_OF;
import static dev.mediaup.core.ProblemCode.NOT_SUBTITLES;
import static dev.mediaup.core.ProblemCode.NO_SEGMENTS;
import static dev.mediaup.core.ProblemCode.NO_SUCH_ENDPOINT;
import static dev.mediaup.core.ProblemCode.OAUTH_MALFORMED;
import static dev.mediaup.core.ProblemCode.OAUTH_REPLAY;
import static dev.mediaup.core.ProblemCode.OAUTH_SIGNATURE;
import static dev.mediaup.core.ProblemCode.OAUTH_STALE;
import static dev.mediaup.core.ProblemCode.OFFSET_MISMATCH;
import static dev.mediaup.core.ProblemCode.OUT_OF_RANGE;
import static dev.mediaup.core.ProblemCode.OUT_OF_STORAGE;
import static dev.mediaup.core.ProblemCode.PARAMETER_TOO_LONG;
import static dev.mediaup.core.ProblemCode.PARTIALS_SPENT;
import static dev.mediaup.core.ProblemCode.PARTIAL_INCOMPLETE;
import static dev.mediaup.core.ProblemCode.PARTIAL_NOT_MEDIA;
import static dev.mediaup.core.ProblemCode.RANGE_NOT_SATISFIABLE;
import static dev.mediaup.core.ProblemCode.RATE_LIMITED;
import static dev.mediaup.core.ProblemCode.REPEATED_PARAMETER;
import static dev.mediaup.core.ProblemCode.SCHEMA_VIOLATION;
import static dev.mediaup.core.ProblemCode.SEGMENTS_CHANGED;
import static dev.mediaup.core.ProblemCode.SEGMENTS_UNREADABLE;
import static dev.mediaup.core.ProblemCode.SEGMENT_NOT_STORED;
import static dev.mediaup.core.ProblemCode.SEGMENT_OVER_TOTAL;
import static dev.mediaup.core.ProblemCode.SEGMENT_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.SESSION_EXPIRED;
import static dev.mediaup.core.ProblemCode.SIZE_MISMATCH;
import static dev.mediaup.core.ProblemCode.STORED_QUOTA;
import static dev.mediaup.core.ProblemCode.TOKEN_REFUSED;
import static dev.mediaup.core.ProblemCode.TOO_MANY;
import static dev.mediaup.core.ProblemCode.TOTAL_BYTES_OVER_LIMIT;
import static dev.mediaup.core.ProblemCode.TUS_VERSION;
import static dev.mediaup.core.ProblemCode.TYPE_NOT_IN_CATEGORY;
import static dev.mediaup.core.ProblemCode.UNAUTHORIZED;
import static dev.mediaup.core.ProblemCode.UNAVAILABLE;
import static dev.mediaup.core.ProblemCode.UNKNOWN_PARAMETER;
import static dev.mediaup.core.ProblemCode.UNSUPPORTED_CONTENT_TYPE;
import static dev.mediaup.core.ProblemCode.UPLOAD_GONE;
import static dev.mediaup.core.ProblemCode.USER_CONTEXT_REQUIRED;
import static dev.mediaup.core.ProblemCode.WRONG_VIDEO_CATEGORY;

/**
 * Every protocol error of the service, declared once by name (tusd's {@code ErrNotFound = NewError(…)} idea): call
 * sites pick one and give it data, never words, so the same failure always reads the same way on the wire, carries
 * the same {@link ProblemCode}, and a reader finds them all here.
 */
public final class Problems {
    private Problems() {}

    private static Problem of(Kind kind, ProblemCode code, String detail, String parameter, Object value) {
        return new Problem(kind, code, detail, parameter, value == null ? null : String.valueOf(value));
    }

    private static Problem invalid(ProblemCode code, String parameter, Object value, String detail) {
        return of(Kind.INVALID, code, detail, parameter, value);
    }

    // ---- the request itself: bodies, fields, parameters ----

    public static Problem bodyUnreadable() {
        return invalid(BODY_UNREADABLE, "body", null, "The request body could not be read.");
    }

    public static Problem bodyRequired() {
        return invalid(BODY_REQUIRED, "body", null, "A JSON object body is required.");
    }

    /** The body stopped before its own framing said it would (a multipart without its closing boundary, cut JSON). */
    public static Problem bodyEndedEarly() {
        return invalid(BODY_ENDED_EARLY, "body", null, "The request body ended before it was complete.");
    }

    /** The request body is larger than the endpoint reads. */
    public static Problem bodyTooLarge(long limit) {
        return of(Kind.TOO_LARGE, BODY_TOO_LARGE, "The request body is larger than " + limit + " bytes.", null, null);
    }

    /** {@code why}: what the JSON parser found, in the client's terms (no class names). */
    public static Problem notJson(String why) {
        return invalid(NOT_JSON, "body", null, "The body is not valid JSON: " + why);
    }

    public static Problem notJsonObject() {
        return invalid(NOT_JSON_OBJECT, "body", null, "The body must be a JSON object.");
    }

    public static Problem notForm() {
        return invalid(NOT_FORM, "body", null, "The form body is not valid application/x-www-form-urlencoded.");
    }

    /** {@code why}: which part of the multipart framing is wrong (the parser's own words for it). */
    public static Problem malformedMultipart(String why) {
        return invalid(MALFORMED_MULTIPART, "body", null, "The multipart body is malformed: " + why);
    }

    public static Problem noBoundary(String contentType) {
        return invalid(MALFORMED_MULTIPART, "Content-Type", contentType, "A multipart/form-data body needs a boundary parameter.");
    }

    /** 415: the body comes in a form this request does not take; {@code expected}: what it does take. */
    public static Problem unsupportedContentType(String contentType, Expected expected) {
        return of(Kind.UNSUPPORTED, UNSUPPORTED_CONTENT_TYPE, "Send " + expected.phrase + ".", "Content-Type", contentType);
    }

    /** APPEND of the command form with a body that is not multipart. */
    public static Problem appendNeedsMultipart() {
        return of(Kind.UNSUPPORTED, UNSUPPORTED_CONTENT_TYPE, "Send " + Expected.COMMAND_APPEND.phrase + ".", "command", "APPEND");
    }

    /** What a 415 asks for instead. */
    public enum Expected {
        SEGMENT("the segment as multipart/form-data (segment_index + media) or JSON {\"media\": base64, \"segment_index\": n}"),
        ONE_SHOT("the media as multipart/form-data or JSON {\"media\": base64, \"media_category\": …}"),
        COMMAND_APPEND("APPEND's segment in a multipart/form-data body (segment_index + media)"),
        TUS_BYTES("upload bytes as application/offset+octet-stream");

        final String phrase;

        Expected(String phrase) {
            this.phrase = phrase;
        }
    }

    public static Problem required(String parameter) {
        return invalid(MISSING_PARAMETER, parameter, null, parameter + " is required.");
    }

    /** A required parameter, with a hint of its form or place. */
    public static Problem required(String parameter, Hint hint) {
        return invalid(MISSING_PARAMETER, parameter, null, parameter + " is required" + hint.phrase + ".");
    }

    /** One of two parameters is required (v1.1: media or media_data). */
    public static Problem requiredOneOf(String parameter, String other) {
        return invalid(MISSING_PARAMETER, parameter, null, parameter + " or " + other + " is required.");
    }

    public enum Hint {
        HEADER(" (a header)"),
        TIMESTAMP(" (RFC 3339, e.g. 2026-11-28T00:00:00Z)"),
        MEDIA_ID_PLACE(", as a query parameter or a form field before the media part"),
        FORM_COMMAND(" in a form body (INIT, APPEND, FINALIZE); one-shot uploads are multipart or JSON"),
        TUS_FILETYPE(" in Upload-Metadata: filetype (the media type)"),
        NO_DEFER(" (the creation-defer-length extension is not offered)");

        final String phrase;

        Hint(String phrase) {
            this.phrase = phrase;
        }
    }

    /** A field or parameter the request does not take; {@code where}: "APPEND", "a one-shot upload" … */
    public static Problem unknownParameter(String name, String value, String where) {
        return invalid(UNKNOWN_PARAMETER, name, value, "Unknown parameter " + name + " in " + where + ".");
    }

    public static Problem repeated(String name) {
        return invalid(REPEATED_PARAMETER, name, null, name + " appears twice.");
    }

    public static Problem fieldTooLong(String name) {
        return invalid(PARAMETER_TOO_LONG, name, null, "The field " + name + " is too long.");
    }

    /** A value not of the form the parameter takes: "{@code name} must be {@code form}." */
    public static Problem mustBe(String name, String value, Form form) {
        return invalid(MALFORMED_VALUE, name, value, name + " must be " + form.phrase + ".");
    }

    /** The forms values take, in the words the errors use. */
    public enum Form {
        STRING("a string"),
        INTEGER("an integer"),
        BOOLEAN("true or false"),
        NON_NEGATIVE_INTEGER("a non-negative integer"),
        MEDIA_ID("a media id of " + MediaId.RULE),
        MEDIA_KEY("a media key such as 3_1234567890 (" + MediaKey.PATTERN + ")"),
        USER_ID("a user id of " + UserId.RULE),
        USER_IDS("an array of user id strings (" + UserId.RULE + ")"),
        MEDIA_TYPES("an array of media types such as video/mp4"),
        ORIGINS("an array of origins as browsers send them: scheme://host[:port], no path"),
        SCOPES("an array of scope names"),
        TIMESTAMP("an RFC 3339 date-time, e.g. 2026-11-28T00:00:00Z"),
        LANGUAGE_CODE("two capital letters (e.g. EN)"),
        ALT_TEXT("an object whose text is a string of at most 1000 characters"),
        SUBTITLE_TRACKS("an object whose subtitles list at least one track"),
        SHA256_DIGEST("the 32-byte digest in base64 (or hex)"),
        MD5_DIGEST("the 16-byte digest in base64 (or hex)"),
        TUS_CONCAT("\"partial\" or \"final;{url} {url}…\""),
        TUS_PART_URL("the URL of a partial upload on this server ({path}/{id})"),
        TUS_CHECKSUM("\"{sha1|sha256|md5} {base64 digest}\""),
        TUS_METADATA("comma-separated \"key base64value\" pairs, each key a unique ASCII word without spaces or commas");

        final String phrase;

        Form(String phrase) {
            this.phrase = phrase;
        }
    }

    /** The value is not base64 where base64 is due ({@code why}, when known: where the decoder stopped). */
    public static Problem notBase64(String name, String why) {
        return invalid(NOT_BASE64, name, null, name + " is not valid base64" + (why == null ? "." : ": " + why));
    }

    public static Problem outOfRange(String name, Object value, long min, long max) {
        return invalid(OUT_OF_RANGE, name, value, name + " must be an integer from " + min + " to " + max + ".");
    }

    /** A text's length out of bounds. */
    public static Problem lengthOutOfRange(String name, String value, int min, int max) {
        return invalid(OUT_OF_RANGE, name, value, name + " must be " + min + " to " + max + " characters.");
    }

    public static Problem notOneOf(String name, String value, Collection<String> choices) {
        List<String> c = new ArrayList<>(choices);
        String list = c.size() == 1 ? c.getFirst() : String.join(", ", c.subList(0, c.size() - 1)) + " or " + c.getLast();
        return invalid(NOT_ONE_OF, name, value, name + " must be " + (c.size() == 1 ? "" : "one of ") + list + ".");
    }

    public static Problem tooMany(String name, String value, int max) {
        return invalid(TOO_MANY, name, value, "At most " + max + " " + name + " are allowed.");
    }

    /** X's own words for a query value of the wrong form. */
    public static Problem badQueryValue(String parameter, String value, String pattern) {
        return invalid(MALFORMED_VALUE, parameter, value, "The `" + parameter + "` query parameter value [" + value + "] does not match "
                + pattern);
    }

    public static Problem queryValueNotOneOf(String parameter, String value, Collection<String> choices) {
        return invalid(NOT_ONE_OF, parameter, value, "The `" + parameter + "` query parameter value [" + value + "] is not one of "
                + choices);
    }

    /** What JSON Schema validation of a body found first. */
    public static Problem schemaViolation(String where, String value, String message) {
        return invalid(SCHEMA_VIOLATION, where, value, "Invalid request: " + message);
    }

    /** JSON may escape half of a UTF-16 pair where UTF-8 has no such character: refused, not silently changed. */
    public static Problem loneSurrogate(String where, char c) {
        return invalid(INVALID_UNICODE, where.isEmpty() ? "body" : where, null, (where.isEmpty() ? "The body" : where)
                + " holds an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(c) + "); send valid Unicode text.");
    }

    /** Media in a request that carries none; {@code carriers}: which requests do. */
    public static Problem mediaNotAllowed(String carriers) {
        return invalid(MEDIA_NOT_ALLOWED, "media", null, "Only " + carriers + " carry media.");
    }

    public static Problem repeatedMedia() {
        return invalid(REPEATED_PARAMETER, "media", null, "Only one media part is allowed.");
    }

    public static Problem endNotAfterStart(String end) {
        return invalid(INVALID_TIME_RANGE, "end_time", end, "end_time must be after start_time.");
    }

    public static Problem timeRangeTooLong(String start, int days, String granularity) {
        return invalid(INVALID_TIME_RANGE, "start_time", start, granularity + " analytics cover at most " + days + " days.");
    }

    public static Problem segmentIndexRange(String raw) {
        return outOfRange("segment_index", raw, 0, 999);
    }

    public static Problem languageCode(String lang) {
        return mustBe("language_code", lang, Form.LANGUAGE_CODE);
    }

    public static Problem unknownCommand(String command) {
        return notOneOf("command", command, List.of("INIT", "APPEND", "FINALIZE", "STATUS"));
    }

    /** A GET that answers STATUS only. */
    public static Problem statusOnly(String command) {
        return notOneOf("command", command, List.of("STATUS"));
    }

    public static Problem altText() {
        return mustBe("alt_text", null, Form.ALT_TEXT);
    }

    public static Problem badUserId(String parameter, String userId) {
        return mustBe(parameter, userId, Form.USER_ID);
    }

    public static Problem tooManyOwners(int count) {
        return tooMany("additional_owners", count + " ids", Upload.MAX_ADDITIONAL_OWNERS);
    }

    public static Problem rangeNotSatisfiable(String range, long size) {
        return of(Kind.RANGE_NOT_SATISFIABLE, RANGE_NOT_SATISFIABLE, "The range " + range + " is outside the " + size
                + " bytes of this media.", "Range", range);
    }

    public static Problem noSuchEndpoint(String method, String path) {
        return of(Kind.NOT_FOUND, NO_SUCH_ENDPOINT, "No such endpoint: " + method + " " + path, null, null);
    }

    public static Problem methodNotAllowed(String method, String path) {
        return of(Kind.METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED, "Method " + method + " is not allowed on " + path + ".", null, null);
    }

    // ---- uploads ----

    /** 404 for a media id the caller may not see; the same answer whether it exists or not. */
    public static Problem notFound(String parameter, String id) {
        return of(Kind.NOT_FOUND, NOT_FOUND, "Could not find media with " + parameter + ": [" + id + "].", parameter, id);
    }

    public static Problem notFound(String parameter, long id) {
        return notFound(parameter, Long.toString(id));
    }

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
            case Refusal.UnknownUpload u -> notFound("id", u.id());
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

    // ---- tus ----

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

    // ---- media rules ----

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

    // ---- who may call ----

    public static Problem unauthorized() {
        return of(Kind.UNAUTHORIZED, UNAUTHORIZED, "Unauthorized", null, null);
    }

    /** A bearer token the verifier refused; {@code why}: the verifier's reason (expired, bad signature, …). */
    public static Problem tokenRefused(String why) {
        return of(Kind.UNAUTHORIZED, TOKEN_REFUSED, "The access token was refused: " + why, null, null);
    }

    /** An OAuth 1.0a request whose header is not well formed; {@code what}: which part, e.g. "oauth_version must be 1.0". */
    public static Problem oauthMalformed(String what) {
        return of(Kind.UNAUTHORIZED, OAUTH_MALFORMED, "The OAuth 1.0a request is malformed: " + what + ".", null, null);
    }

    public static Problem oauthStale(long windowSecs) {
        return of(Kind.UNAUTHORIZED, OAUTH_STALE, "oauth_timestamp is outside the " + windowSecs + "-second window; check the "
                + "client's clock.", null, null);
    }

    public static Problem oauthSignature() {
        return of(Kind.UNAUTHORIZED, OAUTH_SIGNATURE, "The OAuth 1.0a signature does not match (or the consumer key or token is unknown "
                + "or revoked).", null, null);
    }

    public static Problem oauthReplay() {
        return of(Kind.UNAUTHORIZED, OAUTH_REPLAY, "This oauth_nonce was already used: a replayed request.", null, null);
    }

    /** The token lacks a scope; {@code scope}: what it needs, e.g. "media.write" or "tweet.read (or users.read)". */
    public static Problem missingScope(String scope) {
        return of(Kind.FORBIDDEN, MISSING_SCOPE, "This endpoint needs a token with the " + scope + " scope.", null, null);
    }

    public static Problem appOnlyCannotUpload() {
        return of(Kind.FORBIDDEN, APP_ONLY, "App-only tokens may read media but not upload; use a user token (OAuth 2.0 user "
                + "context or OAuth 1.0a).", null, null);
    }

    /** What is a user's (their listing, their usage) needs a user's token, not an app's. */
    public static Problem userContextRequired() {
        return of(Kind.FORBIDDEN, USER_CONTEXT_REQUIRED, "This endpoint answers for a user: use a user token.", null, null);
    }

    public static Problem rateLimited() {
        return of(Kind.RATE_LIMITED, RATE_LIMITED, "Too Many Requests", null, null);
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

    // ---- the server ----

    /** Not a bad request: the server cannot take more of these right now. */
    public static Problem busy() {
        return of(Kind.UNAVAILABLE, BUSY, "Too many requests of this kind are in flight; try again shortly.", null, null);
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

    /** A backend failed and nothing was recorded (what the stores' {@link Unavailable} becomes on the wire). */
    public static Problem unavailable(Unavailable u) {
        return of(Kind.UNAVAILABLE, UNAVAILABLE, u.getMessage(), null, null);
    }

    public static Problem internal() {
        return of(Kind.INTERNAL, INTERNAL, "Something went wrong on our side; nothing was changed. Try again.", null, null);
    }
}
