package dev.mediaup.core;

import dev.mediaup.core.Problem.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static dev.mediaup.core.Problem.invalid;
import static dev.mediaup.core.Problem.of;
import static dev.mediaup.core.ProblemCode.APP_ONLY;
import static dev.mediaup.core.ProblemCode.BODY_ENDED_EARLY;
import static dev.mediaup.core.ProblemCode.BODY_REQUIRED;
import static dev.mediaup.core.ProblemCode.BODY_TOO_LARGE;
import static dev.mediaup.core.ProblemCode.BODY_UNREADABLE;
import static dev.mediaup.core.ProblemCode.BUSY;
import static dev.mediaup.core.ProblemCode.INTERNAL;
import static dev.mediaup.core.ProblemCode.INVALID_TIME_RANGE;
import static dev.mediaup.core.ProblemCode.INVALID_UNICODE;
import static dev.mediaup.core.ProblemCode.MALFORMED_MULTIPART;
import static dev.mediaup.core.ProblemCode.MALFORMED_VALUE;
import static dev.mediaup.core.ProblemCode.MEDIA_NOT_ALLOWED;
import static dev.mediaup.core.ProblemCode.METHOD_NOT_ALLOWED;
import static dev.mediaup.core.ProblemCode.MISSING_PARAMETER;
import static dev.mediaup.core.ProblemCode.MISSING_SCOPE;
import static dev.mediaup.core.ProblemCode.NOT_BASE64;
import static dev.mediaup.core.ProblemCode.NOT_FORM;
import static dev.mediaup.core.ProblemCode.NOT_FOUND;
import static dev.mediaup.core.ProblemCode.NOT_JSON;
import static dev.mediaup.core.ProblemCode.NOT_JSON_OBJECT;
import static dev.mediaup.core.ProblemCode.NOT_ONE_OF;
import static dev.mediaup.core.ProblemCode.NO_SUCH_ENDPOINT;
import static dev.mediaup.core.ProblemCode.OAUTH_MALFORMED;
import static dev.mediaup.core.ProblemCode.OAUTH_REPLAY;
import static dev.mediaup.core.ProblemCode.OAUTH_SIGNATURE;
import static dev.mediaup.core.ProblemCode.OAUTH_STALE;
import static dev.mediaup.core.ProblemCode.OUT_OF_RANGE;
import static dev.mediaup.core.ProblemCode.PARAMETER_TOO_LONG;
import static dev.mediaup.core.ProblemCode.RANGE_NOT_SATISFIABLE;
import static dev.mediaup.core.ProblemCode.RATE_LIMITED;
import static dev.mediaup.core.ProblemCode.REPEATED_PARAMETER;
import static dev.mediaup.core.ProblemCode.SCHEMA_VIOLATION;
import static dev.mediaup.core.ProblemCode.TOKEN_REFUSED;
import static dev.mediaup.core.ProblemCode.TOO_MANY;
import static dev.mediaup.core.ProblemCode.UNAUTHORIZED;
import static dev.mediaup.core.ProblemCode.UNAVAILABLE;
import static dev.mediaup.core.ProblemCode.UNKNOWN_PARAMETER;
import static dev.mediaup.core.ProblemCode.UNSUPPORTED_CONTENT_TYPE;
import static dev.mediaup.core.ProblemCode.USER_CONTEXT_REQUIRED;

/**
 * Every protocol error of the service, declared once by name (tusd's {@code ErrNotFound = NewError(…)} idea): call
 * sites pick one and give it data, never words, so the same failure always reads the same way on the wire and carries
 * the same {@link ProblemCode}. Here: the request itself, who may call, the server; {@link UploadProblems}: the
 * upload engine's refusals. docs/errors.md lists every code.
 */
public final class Problems {
    private Problems() {}

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
        ONE_SHOT("the media as multipart/form-data, JSON {\"media\": base64, \"media_category\": …}, or the file itself as "
                + "its media type (image/png, video/mp4, …)"),
        COMMAND_APPEND("APPEND's segment in a multipart/form-data body (segment_index + media)"),
        TUS_BYTES("upload bytes as application/offset+octet-stream"),
        PARTIAL_UPLOAD("the bytes to append as application/partial-upload");

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
        TUS_FILETYPE(" in Upload-Metadata: filetype (the media type)");

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
        USER_ID("a user id of " + UserId.RULE),
        USER_IDS("an array of user id strings (" + UserId.RULE + ")"),
        MEDIA_TYPES("an array of media types such as video/mp4"),
        ORIGINS("an array of origins as browsers send them: scheme://host[:port], no path"),
        SCOPES("an array of scope names"),
        TIMESTAMP("an RFC 3339 date-time, e.g. 2026-11-28T00:00:00Z"),
        LANGUAGE_CODE("two capital letters (e.g. EN)"),
        ALT_TEXT("an object whose text is a string of at most 1000 characters"),
        FOCAL_POINT("an object {\"x\": …, \"y\": …} of two numbers from -1 to 1 (x: left to right, y: bottom to top)"),
        SUBTITLE_TRACKS("an object whose subtitles list at least one track"),
        SHA256_DIGEST("the 32-byte digest in base64 (or hex)"),
        MD5_DIGEST("the 16-byte digest in base64 (or hex)"),
        TUS_CONCAT("\"partial\" or \"final;{url} {url}…\""),
        TUS_PART_URL("the URL of a partial upload on this server ({path}/{id})"),
        TUS_CHECKSUM("\"{sha1|sha256|md5} {base64 digest}\""),
        TUS_METADATA("comma-separated \"key base64value\" pairs, each key a unique ASCII word without spaces or commas"),
        ONE("1"),
        ABSENT_WITH_DEFER("absent when Upload-Defer-Length is sent"),
        SF_INTEGER("a non-negative integer (an RFC 9651 Integer)"),
        SF_BOOLEAN("?0 or ?1 (an RFC 9651 Boolean)"),
        SECONDS("seconds, e.g. 12 or 12.5 (at most three decimals)"),
        POSTER_TIME("a number of seconds from the start of the video, within it");

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

    // ---- what is not there ----

    /** 404 for a media id the caller may not see; the same answer whether it exists or not. */
    public static Problem notFound(String parameter, String id) {
        return of(Kind.NOT_FOUND, NOT_FOUND, "Could not find media with " + parameter + ": [" + id + "].", parameter, id);
    }

    public static Problem notFound(String parameter, long id) {
        return notFound(parameter, Long.toString(id));
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

    // ---- the server ----

    /** Not a bad request: the server cannot take more of these right now. */
    public static Problem busy() {
        return of(Kind.UNAVAILABLE, BUSY, "Too many requests of this kind are in flight; try again shortly.", null, null);
    }

    /** A backend failed and nothing was recorded (what the stores' {@link Unavailable} becomes on the wire). */
    public static Problem unavailable(Unavailable u) {
        return of(Kind.UNAVAILABLE, UNAVAILABLE, u.getMessage(), null, null);
    }

    public static Problem internal() {
        return of(Kind.INTERNAL, INTERNAL, "Something went wrong on our side; nothing was changed. Try again.", null, null);
    }
}
