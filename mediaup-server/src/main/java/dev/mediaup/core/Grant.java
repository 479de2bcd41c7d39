package dev.mediaup.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An upload grant: a short-lived, single-purpose credential a backend hands to a browser or app so it can upload
 * without the backend's own token (Mux direct uploads and Cloudflare's direct creator uploads are the same
 * idea). Whoever presents its token may run {@code uploads} uploads, owned by {@code userId}, within the caps — and do
 * nothing else. The caps are checked here, at initialize, and the byte cap again exactly at every append (a grant
 * upload declares total_bytes, and appends never exceed what was declared).
 *
 * @param mediaTypes     the types an upload may declare; empty: any the category takes
 * @param maxBytes       the most bytes one upload may declare; null: the category's limit
 * @param maxDurationSecs the longest video or GIF processing accepts; null: the category's limit
 * @param used           how many uploads were started with it so far
 * @param allowedOrigins the browser origins that may present it; empty: any request without an Origin (an app), and
 *                       any browser origin CORS lets in; listed: only pages of those origins (a request without an
 *                       Origin is refused: such a grant is for pages)
 * @param credential     the token that made it: the grant stops when that token expires, and is revoked with it
 * @param revokedBy      why it was revoked ({@link Revoked}), null while it is not
 */
public record Grant(String id, String userId, String appId, Category category, List<String> mediaTypes, Long maxBytes,
                    Long maxDurationSecs, int uploads, int used, long createdAt, long expiresAt, List<String> allowedOrigins,
                    boolean shared, List<String> additionalOwners, Credential credential, String revokedBy) {

    /** Why a grant was revoked, as its listing says. */
    public enum Revoked {
        /** its user revoked it */
        USER,
        /** an administrator did */
        ADMIN,
        /** the token (or OAuth 1.0a token) that made it was revoked */
        TOKEN_REVOKED,
        /** the app it acts for was revoked */
        APP_REVOKED,
        /** the token that made it expired */
        TOKEN_EXPIRED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** expires_in_secs: at least a minute, at most a week (Bunny/api.video-style upload tokens live about as long). */
    public static final long MIN_TTL_SECS = 60, MAX_TTL_SECS = 604_800, DEFAULT_TTL_SECS = 3600;
    /** How many uploads one grant may allow. */
    public static final int MAX_UPLOADS = 1000;

    public boolean live(long now) {
        return revokedBy(now) == null && expiresAt > now;
    }

    public boolean revoked() {
        return revokedBy != null;
    }

    /** Why it no longer works although its own time has not run out (its maker's token expired counts), or null. */
    public String revokedBy(long now) {
        if (revokedBy != null) return revokedBy;
        return credential != null && credential.expired(now) ? Revoked.TOKEN_EXPIRED.wire() : null;
    }

    public int remaining() {
        return Math.max(0, uploads - used);
    }

    /**
     * A grant bound to origins is for pages of those origins: a request must name one (a request without an Origin is
     * not a page's, so it is refused). An unbound grant serves apps (no Origin) and any page.
     */
    public boolean allowsOrigin(String origin) {
        return allowedOrigins.isEmpty() || (origin != null && allowedOrigins.contains(origin));
    }

    /** Why bytes that turned out to be {@code sniffedType} may not become media under this grant, if they may not. */
    public Optional<Failure> typeFailure(String sniffedType) {
        if (mediaTypes.isEmpty() || sniffedType == null || mediaTypes.contains(sniffedType)) return Optional.empty();
        return Optional.of(Failure.invalidMedia("The media is " + sniffedType + "; the upload grant " + id + " allows only "
                + String.join(", ", mediaTypes) + "."));
    }

    /** Whether this grant lets an upload of {@code mediaType} in {@code category} declaring {@code totalBytes} begin. */
    public Optional<Refusal> initRefusal(String mediaType, Category requested, Long totalBytes, long now) {
        if (!live(now)) return Optional.of(new Refusal.GrantNotLive(id));
        if (used >= uploads) return Optional.of(new Refusal.GrantUsedUp(id, uploads));
        if (requested != null && requested != category) return Optional.of(new Refusal.GrantCategory(id, category, requested));
        if (!mediaTypes.isEmpty() && !mediaTypes.contains(mediaType)) return Optional.of(new Refusal.GrantType(id, mediaTypes, mediaType));
        if (maxBytes != null && totalBytes == null) return Optional.of(new Refusal.GrantNeedsTotal(id, maxBytes));
        if (maxBytes != null && totalBytes > maxBytes) return Optional.of(new Refusal.GrantTooLarge(id, maxBytes, totalBytes));
        return Optional.empty();
    }
}
