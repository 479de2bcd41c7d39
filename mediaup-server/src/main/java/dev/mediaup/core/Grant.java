package dev.mediaup.core;

import java.util.List;
import java.util.Optional;

/**
 * An upload grant: a short-lived, single-purpose credential a backend hands to a browser or app so it can upload
 * without the backend's own token (issue 17; Mux direct uploads and Cloudflare's direct creator uploads are the same
 * idea). Whoever presents its token may run {@code uploads} uploads, owned by {@code userId}, within the caps — and do
 * nothing else. The caps are checked here, at initialize, and the byte cap again exactly at every append (a grant
 * upload declares total_bytes, and appends never exceed what was declared).
 *
 * @param mediaTypes     the types an upload may declare; empty: any the category takes
 * @param maxBytes       the most bytes one upload may declare; null: the category's limit
 * @param maxDurationSecs the longest video or GIF processing accepts; null: the category's limit
 * @param used           how many uploads were started with it so far
 * @param allowedOrigins the browser origins that may present it; empty: any (CORS still decides what a browser may call)
 */
public record Grant(String id, String userId, String appId, Category category, List<String> mediaTypes, Long maxBytes,
                    Long maxDurationSecs, int uploads, int used, long createdAt, long expiresAt, List<String> allowedOrigins,
                    boolean shared, List<String> additionalOwners, boolean revoked) {

    /** expires_in_secs: at least a minute, at most a week (Bunny/api.video-style upload tokens live about as long). */
    public static final long MIN_TTL_SECS = 60, MAX_TTL_SECS = 604_800, DEFAULT_TTL_SECS = 3600;
    /** How many uploads one grant may allow. */
    public static final int MAX_UPLOADS = 1000;

    public boolean live(long now) {
        return !revoked && expiresAt > now;
    }

    public int remaining() {
        return Math.max(0, uploads - used);
    }

    /** A request without an Origin header is not a browser's; a browser's must come from a listed origin when any are. */
    public boolean allowsOrigin(String origin) {
        return origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
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
