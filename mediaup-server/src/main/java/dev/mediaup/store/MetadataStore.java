package dev.mediaup.store;

import dev.mediaup.upload.Media.*;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything mediaup knows besides the bytes. Every method is one transaction; a method that returns has committed
 * durably. Methods that check-and-write (putSegment, finalizeUpload) do both atomically, so concurrent appends and
 * several nodes cannot break the invariants the protocol promises.
 */
public interface MetadataStore extends AutoCloseable {

    void createUpload(Upload upload);

    Optional<Upload> findUpload(long id);

    /** Result of recording a segment: the upload as it now stands and the blob this one replaced (to delete). */
    record SegmentPut(Upload upload, Optional<String> replacedBlob) {}

    /**
     * Records a segment if the upload is still accepting bytes and the new sum of segments stays within
     * {@code maxTotal}; otherwise throws the Problem that says why and records nothing.
     */
    SegmentPut putSegment(Segment segment, long now, long maxTotal, Quota quota);

    /** Per-user byte quotas; null means unlimited. Daily counts bytes received per UTC day, stored counts kept bytes. */
    record Quota(Long dailyBytes, Long storedBytes) {
        public static final Quota NONE = new Quota(null, null);
    }

    record Usage(String userId, long storedBytes, long uploadedToday) {}

    Usage usage(String userId, long epochDay);

    List<Segment> segments(long uploadId);

    List<Upload> findUploads(Collection<Long> ids);

    /** A user's uploads, newest first, with ids below {@code beforeId} (null: from the newest). */
    List<Upload> uploadsOf(String ownerId, Long beforeId, int limit);

    Upload setMetadata(long id, String metadataJson);

    /** Forgets an upload entirely (rows and usage); its blobs must be deleted by the caller. */
    void deleteUpload(long id);

    record SubtitleTrack(long videoId, String languageCode, long subtitlesId, String displayName) {}

    /** Attaches (or replaces) the track for its language. */
    void putSubtitles(SubtitleTrack track);

    boolean deleteSubtitles(long videoId, String languageCode);

    List<SubtitleTrack> subtitles(long videoId);

    /** Adds counts (media id → hour → metric → delta); applied in the background, batched. */
    void countMetrics(Map<Long, Map<Long, Map<String, Long>>> deltas);

    /** metric sums per hour for one media in [fromHour, toHour]. */
    Map<Long, Map<String, Long>> metrics(long mediaId, long fromHour, long toHour);

    /** A named server secret, made by {@code create} the first time any node asks. */
    String secret(String name, java.util.function.Supplier<String> create);

    /**
     * Moves an UPLOADING upload to its finalized state (and enqueues a job when {@code jobKind} is set), provided its
     * segments are still exactly {@code manifest} — the list finalize validated — so a concurrent append cannot slip
     * between the check and the state change. With {@code originalKey}, that blob (the segments assembled) holds the
     * original's bytes from then on, recorded in the same transaction.
     */
    Upload finalizeUpload(long id, List<Segment> manifest, String originalKey, State state, long size, Info info, Failure failure,
                          String jobKind, long now, long expiresAt);

    /**
     * Records that blob {@code key} (the segments assembled) holds the original's bytes from now on, provided the
     * segments are still exactly {@code manifest}; false (and nothing changed) otherwise.
     */
    boolean setOriginal(long id, List<Segment> manifest, String key);

    /**
     * Where the upload's bytes are, in order: its assembled blob as the one piece when there is one, else its
     * segments. (The segment rows themselves, {@link #segments}, always say what was appended.)
     */
    List<Segment> stored(long uploadId);

    /**
     * Processing results: state, progress, when to look again, and what was learned. A terminal state (succeeded,
     * failed) also queues the webhook events, in the same transaction.
     */
    void updateProcessing(long id, State state, int progress, int checkAfterSecs, Info info, Failure failure);

    /** Records what processing made (replacing earlier variants of the same names); stored bytes count them. */
    void putVariants(long mediaId, List<Variant> variants);

    /** The variants of these media. */
    default List<Variant> variants(Collection<Long> mediaIds) {
        return variants(mediaIds, true);
    }

    /** The same; without {@code parts}, leaves out what HLS renditions are made of (their playlists and segments). */
    List<Variant> variants(Collection<Long> mediaIds, boolean parts);

    Optional<Variant> variant(long mediaId, String name);

    // ---- webhooks ----

    /** The URLs that get an event when media processing ends; set once at startup. */
    void webhookTargets(List<String> urls);

    record WebhookEvent(long mediaId, String event, String url, int attempts) {}

    /** Events due for (re)delivery, each claimed for {@code claimSecs} so other nodes leave it alone meanwhile. */
    List<WebhookEvent> claimWebhooks(long now, long claimSecs, int limit);

    /** Done with (delivered, or given up: runAfter null), or to be tried again at {@code runAfter}. */
    void webhookAttempted(WebhookEvent e, long now, Long runAfter, String error);

    /** Forgets events done with before {@code before}. */
    void purgeWebhooks(long before);

    /** Marks unfinalized uploads whose session ended as EXPIRED; returns how many. */
    int expireUploads(long now);

    /** Expired uploads that still have segment rows, i.e. bytes to delete. */
    List<Long> expiredWithSegments(int limit);

    /** Finalized media created before {@code createdBefore} (retention), oldest first. */
    List<Long> mediaCreatedBefore(long createdBefore, int limit);

    /**
     * Forgets an upload's segments and assembled original (expired, or an original processing replaced); their blobs
     * are deleted next.
     */
    void deleteSegments(long uploadId);

    record Job(long uploadId, String kind, int attempts) {}

    Optional<Job> claimJob(String owner, long now, long leaseUntil);

    void extendLease(Job job, String owner, long leaseUntil);

    void completeJob(Job job);

    /** Puts the job back for another attempt at {@code runAfter}, or fails it for good when {@code runAfter} is null. */
    void retryJob(Job job, Long runAfter, String error);

    // ---- access ----

    /** A bearer token's row: kind "user" (acts as userId) or "app" (app-only, acts as appKey). */
    record Token(String tokenId, String kind, String userId, String appKey, List<String> scopes, long createdAt, Long expiresAt,
                 boolean revoked) {}

    void createToken(String tokenHash, String kind, String userId, String appKey, List<String> scopes, long now, Long expiresAt);

    Optional<Token> findToken(String tokenHash);

    List<Token> listTokens();

    /** Revokes bearer or OAuth 1.0a tokens by token id (or OAuth 1.0a token); returns how many. */
    int revokeToken(String tokenIdOrOAuthToken);

    record App(String consumerKey, String consumerSecret, String name, boolean revoked) {}

    void createApp(App app, long now);

    Optional<App> findApp(String consumerKey);

    record OAuth1Token(String token, String tokenSecret, String consumerKey, String userId, List<String> scopes, boolean revoked) {}

    void createOAuth1Token(OAuth1Token token, long now);

    Optional<OAuth1Token> findOAuth1Token(String token);

    /** Nonces with a timestamp at or after {@code since}, as "consumer\nnonce\ntimestamp" keys. */
    List<String> recentNonces(long since);

    /**
     * Records an OAuth nonce; false if it was recorded before (a replay). A store that serves one node (SQLite) may
     * record it in the background and answer true at once — its caller keeps the window's nonces in memory; a store
     * shared by several nodes (PostgreSQL) records it before answering, so a replay is caught whichever node it hits.
     */
    boolean recordNonce(String consumerKey, String nonce, long timestamp);

    void purgeNonces(long olderThan);

    /** Leases a free snowflake node id (0..1023) to {@code owner} until {@code until}; empty when all are taken. */
    java.util.OptionalInt leaseNode(String owner, long now, long until);

    /** Extends the lease; false if it was lost (it ran out and another node took the id). */
    boolean renewNode(int nodeId, String owner, long until);

    boolean healthy();

    @Override
    void close();
}
