package dev.mediaup.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one failure type every layer throws and {@code api} renders in X's error shape. A kind, not a class
 * hierarchy: what differs between failures is data (status, problem type, the parameter at fault). Only
 * {@link Problems} (the request, who may call, the server) and {@link UploadProblems} (uploads, tus, grants' limits,
 * media rules) make them — the constructor and helpers are package-private — so every protocol error is declared
 * there, once, by name, with its {@link ProblemCode}.
 */
public final class Problem extends RuntimeException {

    public enum Kind {
        INVALID(400, "https://api.x.com/2/problems/invalid-request", "Invalid Request"),
        UNAUTHORIZED(401, "about:blank", "Unauthorized"),
        FORBIDDEN(403, "about:blank", "Forbidden"),
        NOT_FOUND(404, "https://api.x.com/2/problems/resource-not-found", "Not Found Error"),
        METHOD_NOT_ALLOWED(405, "https://api.x.com/2/problems/invalid-request", "Method Not Allowed"),
        CONFLICT(409, "https://api.x.com/2/problems/invalid-request", "Conflict"),
        GONE(410, "https://api.x.com/2/problems/resource-not-found", "Gone"),
        PRECONDITION_FAILED(412, "https://api.x.com/2/problems/invalid-request", "Precondition Failed"),
        TOO_LARGE(413, "https://api.x.com/2/problems/invalid-request", "Payload Too Large"),
        UNSUPPORTED(415, "https://api.x.com/2/problems/invalid-request", "Unsupported Media Type"),
        RANGE_NOT_SATISFIABLE(416, "https://api.x.com/2/problems/invalid-request", "Range Not Satisfiable"),
        RATE_LIMITED(429, "about:blank", "Too Many Requests"),
        /** tus's own status for a body that does not match its Upload-Checksum. */
        CHECKSUM_MISMATCH(460, "https://api.x.com/2/problems/invalid-request", "Checksum Mismatch"),
        USAGE_CAPPED(429, "https://api.x.com/2/problems/usage-capped", "UsageCapExceeded"),
        INTERNAL(500, "https://api.x.com/2/problems/internal-error", "Internal Error"),
        UNAVAILABLE(503, "https://api.x.com/2/problems/resource-unavailable", "Service Unavailable"),
        STORAGE_FULL(507, "https://api.x.com/2/problems/resource-unavailable", "Insufficient Storage");

        public final int status;
        public final String type;
        public final String title;

        Kind(int status, String type, String title) {
            this.status = status;
            this.type = type;
            this.title = title;
        }
    }

    public final Kind kind;
    /** Which error this is, by name: stable across releases (the words of {@link #detail()} may change). */
    public final ProblemCode code;
    public final String parameter;
    public final String value;
    /**
     * The problem type's URI: the kind's (X's types), or one a protocol registered for exactly this failure (the
     * resumable-upload draft's {@code https://iana.org/assignments/http-problem-types#…}), with its extension members.
     */
    public final String type;
    public final Map<String, Object> members;

    Problem(Kind kind, ProblemCode code, String detail, String parameter, String value) {
        this(kind, code, detail, parameter, value, kind.type, Map.of());
    }

    private Problem(Kind kind, ProblemCode code, String detail, String parameter, String value, String type,
                    Map<String, Object> members) {
        super(detail, null, false, false); // no stack trace: these are answers, not bugs
        this.kind = kind;
        this.code = code;
        this.parameter = parameter;
        this.value = value;
        this.type = type;
        this.members = members;
    }

    /** The same problem under a registered problem type, with that type's members (in order). */
    Problem typed(String registeredType, Map<String, Object> extension) {
        return new Problem(kind, code, getMessage(), parameter, value, registeredType,
                Collections.unmodifiableMap(new LinkedHashMap<>(extension)));
    }

    static Problem of(Kind kind, ProblemCode code, String detail, String parameter, Object value) {
        return new Problem(kind, code, detail, parameter, value == null ? null : String.valueOf(value));
    }

    static Problem invalid(ProblemCode code, String parameter, Object value, String detail) {
        return of(Kind.INVALID, code, detail, parameter, value);
    }

    public String detail() {
        return getMessage();
    }
}
