package dev.mediaup.api.wire;

import dev.mediaup.core.UploadProblems;
import io.javalin.http.Context;

import java.util.HexFormat;
import java.util.Map;

/**
 * RFC 9530's {@code Repr-Digest} on a request that starts an upload (initialize, the command form's INIT, tus
 * creation, a one-shot upload, a resumable-upload creation): the SHA-256 the whole file's bytes will have. The upload
 * then proves it at FINALIZE, and may skip sending bytes its owner already holds. Only sha-256 is checked: a field
 * that also names other algorithms is fine, one that names only others, or is malformed or oversized, is refused —
 * silently ignoring a digest the client meant as an integrity check would promise a check that never happens.
 */
public final class ReprDigest {
    /** The response header saying the caller already holds media with those bytes: FINALIZE needs no appends. */
    public static final String HELD_HEADER = "Mediaup-Content-Held";
    /** Far more than a few digests need (sha-512 in base64 is 88 characters). */
    static final int MAX_LENGTH = 1024;
    private static final int SHA256_BYTES = 32;

    private ReprDigest() {}

    /** The request's declared SHA-256 in hex, or null when it has no Repr-Digest; a 400 when it has a bad one. */
    public static String sha256(Context ctx) {
        return sha256(StructuredFields.joined(ctx, "Repr-Digest"));
    }

    public static String sha256(String value) {
        if (value == null) return null;
        if (value.length() > MAX_LENGTH)
            throw UploadProblems.invalidReprDigest(value, "is " + value.length() + " characters long; at most " + MAX_LENGTH
                    + " are read.");
        Map<String, Object> members = StructuredFields.dictionary(value);
        if (members == null || members.isEmpty())
            throw UploadProblems.invalidReprDigest(value, "is not a Dictionary of algorithm=:base64: members (RFC 9651).");
        Object sha = members.get("sha-256");
        if (sha == null)
            throw UploadProblems.invalidReprDigest(value, "names " + String.join(", ", members.keySet()) + ", none of which mediaup "
                    + "checks (sha-256 only).");
        if (!(sha instanceof StructuredFields.Bytes(byte[] b)) || b.length != SHA256_BYTES)
            throw UploadProblems.invalidReprDigest(value, "gives sha-256 as something other than a Byte Sequence of 32 bytes.");
        return HexFormat.of().formatHex(b);
    }
}
