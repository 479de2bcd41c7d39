package dev.mediaup.api.wire;

import dev.mediaup.core.Failure;
import dev.mediaup.core.MediaInfo;
import dev.mediaup.core.Problem;
import dev.mediaup.core.ProblemCode;
import dev.mediaup.core.State;
import dev.mediaup.core.Upload;
import io.javalin.http.Context;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Renders X's response shapes: {@code {"data": …}} objects with snake_case names and ids as strings, and errors. */
public final class Wire {
    /** Strict about duplicate keys: {"media_type": "a", "media_type": "b"} is ambiguous, so it is refused. */
    public static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    public static final String PROBLEM_JSON = "application/problem+json";

    private Wire() {}

    public static void data(Context ctx, Object data) {
        ctx.status(200).contentType("application/json").result(JSON.writeValueAsBytes(Map.of("data", data)));
    }

    /** 201 with the made thing as {@code data} (a grant, a token, an app: where its secret is shown, once). */
    public static void created(Context ctx, Object data) {
        ctx.status(201).contentType("application/json").result(JSON.writeValueAsBytes(Map.of("data", data)));
    }

    /** A whole listing (no pages): {@code data} and {@code meta.result_count}, as X lists things. */
    public static void list(Context ctx, List<?> rows) {
        ctx.status(200).contentType("application/json").result(JSON.writeValueAsBytes(Map.of("data", rows, "meta",
                Map.of("result_count", rows.size()))));
    }

    public static Map<String, Object> initialized(Upload u, long now) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", u.idString());
        m.put("media_key", u.mediaKey());
        m.put("expires_after_secs", u.expiresAfterSecs(now));
        return m;
    }

    /**
     * The v2 finalize / STATUS / one-shot answer: {@code data} as X's document shapes it (its processing_info has no
     * room for the failure), and, when processing failed, why in the response's {@code errors} as a problem — where
     * X's document puts errors that come with data.
     */
    public static void media(Context ctx, Upload u, long now) {
        ctx.status(200).contentType("application/json").result(mediaBody(u, now));
    }

    /** The body of {@link #media(Context, Upload, long)}: also each event of the SSE stream. */
    public static byte[] mediaBody(Upload u, long now) {
        var body = new LinkedHashMap<String, Object>();
        body.put("data", mediaData(u, now));
        Failure f = u.state() == State.FAILED ? u.failure() : null;
        if (f != null) {
            Problem.Kind kind = f.name().equals("InternalError") ? Problem.Kind.INTERNAL : Problem.Kind.INVALID;
            body.put("errors", List.of(ordered("type", kind.type, "title", f.name(), "detail", f.message(), "resource_type", "media",
                    "resource_id", u.idString())));
        }
        return JSON.writeValueAsBytes(body);
    }

    /** The v2 {@code data} of {@link #media(Context, Upload, long)}. */
    public static Map<String, Object> mediaData(Upload u, long now) {
        return media(u, now, false);
    }

    /** The v1.1 answer, where the failure is {@code processing_info.error} as v1.1 documented it. */
    public static Map<String, Object> mediaV11(Upload u, long now) {
        return media(u, now, true);
    }

    private static Map<String, Object> media(Upload u, long now, boolean errorInside) {
        var m = initialized(u, now);
        if (u.size() != null) m.put("size", u.size());
        if (u.state().finalized()) {
            MediaInfo i = u.info();
            boolean syncImage = !u.family().processedAsync() && u.state() == State.SUCCEEDED;
            if (!syncImage) m.put("processing_info", processingInfo(u, errorInside));
            if (i.imageType() != null && i.width() != null) m.put("image", ordered("image_type", i.imageType(), "w", i.width(), "h",
                    i.height()));
            if (i.videoType() != null) m.put("video", Map.of("video_type", i.videoType()));
        }
        return m;
    }

    private static Map<String, Object> processingInfo(Upload u, boolean errorInside) {
        var p = new LinkedHashMap<String, Object>();
        p.put("state", u.state().wire());
        switch (u.state()) {
            case PENDING -> { p.put("check_after_secs", Math.max(1, u.checkAfterSecs())); p.put("progress_percent", 0); }
            case IN_PROGRESS -> { p.put("check_after_secs", Math.max(1, u.checkAfterSecs())); p.put("progress_percent", Math.min(99,
                    u.progress())); }
            case SUCCEEDED -> p.put("progress_percent", 100);
            case FAILED -> {
                p.put("progress_percent", 100);
                Failure f = u.failure();
                if (f != null && errorInside) p.put("error", ordered("code", f.code(), "name", f.name(), "message", f.message()));
            }
            default -> { }
        }
        return p;
    }

    public static Map<String, Object> ordered(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /**
     * Errors Jetty answers before a request reaches the routes (431 headers too large, 414 URI too long, 400 bad
     * HTTP): the same problem+json as everything else, never Jetty's HTML page.
     */
    public static ErrorHandler jettyErrors() {
        return new ErrorHandler() {
            @Override
            protected void generateResponse(Request request, Response response, int code,
                                            String message, Throwable cause, Callback callback) {
                String title = HttpStatus.getMessage(code);
                String type = code == 404 ? Problem.Kind.NOT_FOUND.type : code >= 500 ? Problem.Kind.INTERNAL.type
                        : Problem.Kind.INVALID.type;
                var m = ordered("title", title, "detail", message == null || message.isBlank() ? title : message, "type", type, "status",
                        code);
                ProblemCode name = code == 404 ? ProblemCode.NO_SUCH_ENDPOINT : code >= 500 ? ProblemCode.INTERNAL : ProblemCode.BAD_HTTP;
                m.put(ERROR_CODE, name.wire());
                if (code == 404) m.put("resource_type", "media");
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
                response.getHeaders().put(ERROR_CODE_HEADER, name.wire());
                response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(m)), callback);
            }
        };
    }

    /**
     * Every failure in one style: an RFC 7807 problem (X's problem types) at the top level, served as
     * application/problem+json; for 400s also X's {@code errors[{parameters, message}]} list, which X's own
     * responses carry and client libraries print.
     */
    /**
     * Which error it is, by a stable name ({@link ProblemCode}), in every dialect: a member of the JSON body (an RFC 9457
     * extension member; X's own members keep their meaning) and a header for answers whose body a client may not read.
     */
    public static final String ERROR_CODE = "error_code", ERROR_CODE_HEADER = "Mediaup-Error-Code";

    /** scheme://host[:port] as the request addressed this server, default ports omitted. */
    public static String origin(Context ctx) {
        String scheme = ctx.scheme().toLowerCase(Locale.ROOT);
        String host = Objects.requireNonNullElse(ctx.host(), "localhost").toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") && host.endsWith(":80")) || (scheme.equals("https") && host.endsWith(":443")))
            host = host.substring(0, host.lastIndexOf(':'));
        return scheme + "://" + host;
    }

    public static void problem(Context ctx, Problem p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("title", p.kind.title);
        m.put("detail", p.detail());
        m.put("type", p.type);
        m.put("status", p.kind.status);
        m.putAll(p.members);
        m.put(ERROR_CODE, p.code.wire());
        if (p.parameter != null) m.put("parameter", p.parameter);
        if (p.value != null) m.put("value", p.value);
        if (p.kind == Problem.Kind.NOT_FOUND) {
            m.put("resource_type", "media");
            if (p.value != null) m.put("resource_id", p.value);
        }
        if (p.kind == Problem.Kind.UNAVAILABLE || p.kind == Problem.Kind.STORAGE_FULL) m.put("resource_type",
                "media"); // required by the spec's problem
        if (p.kind == Problem.Kind.USAGE_CAPPED) { m.put("period", p.parameter.equals("daily") ? "Daily" : "Total"); m.put("scope",
                "User"); m.remove("parameter"); }
        if (p.kind.status == 400 && p.parameter != null)
            m.put("errors", List.of(ordered("parameters", Map.of(p.parameter, List.of(p.value == null ? "" : p.value)), "message",
                    p.detail())));
        ctx.status(p.kind.status).contentType(PROBLEM_JSON).header(ERROR_CODE_HEADER, p.code.wire()).result(JSON.writeValueAsBytes(m));
        if (p.kind == Problem.Kind.UNAUTHORIZED) ctx.header("WWW-Authenticate", "Bearer realm=\"mediaup\"");
    }

    /** v1.1's error shape and codes: 32 unauthenticated, 38 missing parameter, 88 rate limited, 324 media problems. */
    public static void v11Error(Context ctx, Problem p) {
        int code = switch (p.kind) {
            case UNAUTHORIZED -> 32;
            case FORBIDDEN -> 220;
            case RATE_LIMITED, USAGE_CAPPED -> 88;
            case INTERNAL -> 131;
            case UNAVAILABLE, STORAGE_FULL -> 130;
            case NOT_FOUND -> p.parameter == null ? 34 : 324;
            default -> p.code == ProblemCode.MISSING_PARAMETER ? 38 : 324;
        };
        ctx.status(p.kind.status).contentType("application/json").header(ERROR_CODE_HEADER, p.code.wire())
                .result(JSON.writeValueAsBytes(Map.of("errors", List.of(ordered("code", code, "message", p.detail(), ERROR_CODE,
                        p.code.wire())))));
    }
}
