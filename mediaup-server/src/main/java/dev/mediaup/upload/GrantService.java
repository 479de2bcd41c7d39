package dev.mediaup.upload;

import dev.mediaup.config.LimitsConfig;
import dev.mediaup.core.Category;
import dev.mediaup.core.Grant;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;
import dev.mediaup.core.UploadProblems;
import dev.mediaup.core.Upload;
import dev.mediaup.store.GrantStore;
import dev.mediaup.store.UploadReads;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Upload grants: a user with {@code media.write} hands a browser or app a credential for exactly this many
 * uploads of this kind, for this long. Creating, reading, listing and revoking them; the token itself is made by the
 * auth layer and only its hash reaches here. Using a grant is {@link UploadService}'s business (it starts the uploads).
 */
public final class GrantService {
    /** How many grants a listing returns at most. */
    public static final int MAX_LISTED = 1000;

    /** What a backend asks for; null numbers mean "the category's limit" (bytes, duration). */
    public record GrantRequest(Category category, List<String> mediaTypes, Long maxBytes, Long maxDurationSecs, Integer uploads,
                               Long expiresInSecs, List<String> allowedOrigins, boolean shared, List<String> additionalOwners) {}

    private final GrantStore grants;
    private final UploadReads reads;
    private final LimitsConfig limits;
    private final Ids ids;
    private final LongSupplier clock;

    public GrantService(GrantStore grants, UploadReads reads, LimitsConfig limits, Ids ids, LongSupplier epochSeconds) {
        this.grants = grants;
        this.reads = reads;
        this.limits = limits;
        this.ids = ids;
        this.clock = epochSeconds;
    }

    /** Checks the request and records the grant under {@code tokenHash}. Only a user's own credentials may grant. */
    public Grant create(Principal who, GrantRequest r, String tokenHash) {
        granting(who);
        Category c = r.category();
        for (String t : r.mediaTypes())
            if (!c.mediaTypes.contains(t))
                throw UploadProblems.typeNotInCategory(t, c, String.join(", ", new TreeSet<>(c.mediaTypes)));
        long categoryMax = limits.maxBytes(c);
        if (r.maxBytes() != null && (r.maxBytes() < 1 || r.maxBytes() > categoryMax))
            throw Problems.outOfRange("max_bytes", r.maxBytes(), 1, categoryMax);
        if (r.maxDurationSecs() != null && r.maxDurationSecs() < 1)
            throw Problems.outOfRange("max_duration_secs", r.maxDurationSecs(), 1, Long.MAX_VALUE);
        int count = r.uploads() == null ? 1 : r.uploads();
        if (count < 1 || count > Grant.MAX_UPLOADS)
            throw Problems.outOfRange("uploads", count, 1, Grant.MAX_UPLOADS);
        long ttl = r.expiresInSecs() == null ? Grant.DEFAULT_TTL_SECS : r.expiresInSecs();
        if (ttl < Grant.MIN_TTL_SECS || ttl > Grant.MAX_TTL_SECS)
            throw Problems.outOfRange("expires_in_secs", ttl, Grant.MIN_TTL_SECS, Grant.MAX_TTL_SECS);
        UploadService.checkOwners(r.additionalOwners());
        long now = clock.getAsLong();
        Grant g = new Grant(Long.toString(ids.next()), who.userId(), who.appId(), c, List.copyOf(new LinkedHashSet<>(r.mediaTypes())),
                r.maxBytes(), r.maxDurationSecs(), count, 0, now, now + ttl, List.copyOf(new LinkedHashSet<>(r.allowedOrigins())),
                r.shared(), List.copyOf(new LinkedHashSet<>(r.additionalOwners())), who.credential(), null);
        grants.create(g, tokenHash);
        return g;
    }

    /** The caller's grant; 404 for anyone else's, as for media. */
    public Grant get(Principal who, String id) {
        granting(who);
        return grants.find(id).filter(g -> g.userId().equals(who.userId())).orElseThrow(() -> Problems.notFound("id", id));
    }

    public List<Grant> list(Principal who) {
        granting(who);
        return grants.ownedBy(who.userId(), MAX_LISTED);
    }

    public void revoke(Principal who, String id) {
        granting(who);
        if (!grants.revoke(id, who.userId())) throw Problems.notFound("id", id);
    }

    /** The uploads started with the grant, oldest first: how the backend finds what its user uploaded. */
    public List<Upload> uploads(Grant g) {
        return reads.startedWith(g.id());
    }

    public long now() {
        return clock.getAsLong();
    }

    /** Grants are the business of a user's own credentials (the API asked for media.write); never of another grant. */
    private static void granting(Principal who) {
        if (who.viaGrant() || who.appOnly()) throw UploadProblems.grantOnlyUploads();
    }
}
