package dev.mediaup.client;

import java.util.Map;

/**
 * A failed call, with X's problem fields (type, title, detail, parameter, value) when the server sent them.
 * {@link #retryable()} says whether trying again can help (network errors, 5xx, 429).
 */
public final class MediaException extends RuntimeException {
    private final int status;
    private final Map<String, Object> problem;

    MediaException(int status, Map<String, Object> problem, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problem = problem == null ? Map.of() : problem;
    }

    /** HTTP status, or 0 when no answer came (network error). */
    public int status() { return status; }

    public String type() { return (String) problem.get("type"); }

    public String title() { return (String) problem.get("title"); }

    public String detail() { return (String) problem.get("detail"); }

    public String parameter() { return (String) problem.get("parameter"); }

    public String value() { return (String) problem.get("value"); }

    /** Which error it is, by mediaup's stable name (e.g. {@code segment_too_large}); null from servers that send none. */
    public String errorCode() { return (String) problem.get("error_code"); }

    /** The whole error body as parsed. */
    public Map<String, Object> problem() { return problem; }

    public boolean retryable() { return status == 0 || status == 429 || status >= 500; }
}
