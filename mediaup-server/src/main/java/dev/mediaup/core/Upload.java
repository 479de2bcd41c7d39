package dev.mediaup.core;

import java.util.List;
import java.util.Optional;

/**
 * One upload, from INITIALIZE to the media it becomes: who owns it, what it is, where it stands. The rules that
 * decide what may happen to it next are its methods, so the service (before streaming) and the store (inside the
 * transaction that records a segment) ask the same question the same way.
 */
public record Upload(long id, String ownerId, String mediaType, Category category, Family family, Long totalBytes,
                     boolean shared, List<String> additionalOwners, State state, long createdAt, long expiresAt,
                     Long size, int progress, MediaInfo info, Failure failure, String metadataJson, int checkAfterSecs,
                     String grantId, Long maxDurationSecs, String declaredSha256) {

    /** At most this many additional_owners (X's limit). */
    public static final int MAX_ADDITIONAL_OWNERS = 100;
    /**
     * The media type of a tus partial upload (concatenation): bytes without a type of their own, never media by
     * themselves, that become part of a final upload.
     */
    public static final String TUS_PARTIAL = "application/offset+octet-stream";
    /** segment_index runs 0..999 (X's limit: 1000 segments). */
    public static final int MAX_SEGMENT_INDEX = 999;

    /** A new upload session, accepting segments until {@code expiresAt}. */
    public static Upload started(long id, String ownerId, String mediaType, Category category, Long totalBytes, boolean shared,
                                 List<String> additionalOwners, long now, long expiresAt) {
        return new Upload(id, ownerId, mediaType, category, category.family(mediaType), totalBytes, shared, List.copyOf(additionalOwners),
                State.UPLOADING, now, expiresAt, null, 0, MediaInfo.NONE, null, null, 1, null, null, null);
    }

    /**
     * The same new upload, with the SHA-256 (hex) its client declared for the whole file (RFC 9530 Repr-Digest): what
     * FINALIZE checks the bytes against, and what lets an owner who already holds those bytes send none.
     */
    public Upload withDeclaredSha256(String hex) {
        return new Upload(id, ownerId, mediaType, category, family, totalBytes, shared, additionalOwners, state, createdAt, expiresAt,
                size, progress, info, failure, metadataJson, checkAfterSecs, grantId, maxDurationSecs, hex);
    }

    /**
     * The same new upload, started with {@code grant}: it answers to the grant, the grant (not its bearer) says whether
     * it is shared and who else owns it, and its video may be no longer than the grant allows.
     */
    public Upload startedWith(Grant grant) {
        return new Upload(id, ownerId, mediaType, category, family, totalBytes, grant.shared(), List.copyOf(grant.additionalOwners()),
                state, createdAt, expiresAt,
                size, progress, info, failure, metadataJson, checkAfterSecs, grant.id(), grant.maxDurationSecs(), declaredSha256);
    }

    public String mediaKey() { return family.keyPrefix + "_" + id; }

    public String idString() { return Long.toString(id); }

    /** A tus partial upload: its bytes become part of a final upload and are never media by themselves. */
    public boolean tusPartial() { return TUS_PARTIAL.equals(mediaType); }

    public boolean ownedBy(String userId) { return ownerId.equals(userId); }

    /** The caller may drive this upload: its owner — and when the caller holds a grant, only the grant's own uploads. */
    public boolean drivableBy(Principal who) {
        return ownedBy(who.userId()) && (!who.viaGrant() || who.grant().id().equals(grantId));
    }

    public boolean visibleTo(String userId) { return ownerId.equals(userId) || additionalOwners.contains(userId); }

    /** Who may read it: its owners, and anyone (app-only callers included) when it is shared. */
    public boolean readableBy(String userIdOrNull) { return shared || (userIdOrNull != null && visibleTo(userIdOrNull)); }

    /** The same for a caller, who may hold a grant: a grant's bearer reads what it uploaded and nothing else. */
    public boolean readableBy(Principal who) {
        return who != null && who.viaGrant() ? drivableBy(who) : readableBy(who == null ? null : who.userId());
    }

    /** X's Media.type. */
    public String wireType() {
        return switch (family) {
            case IMAGE -> "photo";
            case GIF -> "animated_gif";
            case VIDEO, AMPLIFY_VIDEO -> "video";
            case SUBTITLES -> "subtitles";
            case MODEL -> "model";
        };
    }

    public long expiresAfterSecs(long now) { return Math.max(0, expiresAt - now); }

    /** An upload session that ended unfinalized: swept already, or past its expiry and waiting for the sweeper. */
    public boolean sessionExpired(long now) { return state == State.EXPIRED || (state == State.UPLOADING && expiresAt <= now); }

    /** Segments go only to a live, unfinalized session: empty when this one takes them, else why not. */
    public Optional<Refusal> appendRefusal(long now) {
        if (sessionExpired(now)) return Optional.of(new Refusal.SessionExpired(id, expiresAt));
        if (state != State.UPLOADING) return Optional.of(new Refusal.AlreadyFinalized(id));
        return Optional.empty();
    }

    /** The most bytes the upload may hold: its declared total_bytes, within the category's limit. */
    public long maxBytes(long categoryLimit) { return totalBytes == null ? categoryLimit : Math.min(categoryLimit, totalBytes); }

    /** The type the bytes turned out to be (processing may have learned it), else the declared one. */
    public String servedType() {
        return info.imageType() != null ? info.imageType() : info.videoType() != null ? info.videoType() : mediaType;
    }
}
