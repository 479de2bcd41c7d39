package dev.mediaup.api.v2;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.RequestSchemas;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.auth.GrantTokens;
import dev.mediaup.core.Grant;
import dev.mediaup.core.Principal;
import dev.mediaup.upload.GrantService;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Upload grants on the wire (extension, in the served OpenAPI): {@code POST /2/media/upload/grants} answers the grant
 * with its token — the only time the token is shown — and {@code GET}/{@code DELETE} read, list and revoke them.
 */
public final class GrantsApi {
    private final GrantService grants;
    /** The caller, checked for a user context with media.write (the same rule as every upload endpoint). */
    private final Function<Context, Principal> writer;
    private final RequestSchemas schemas;

    public GrantsApi(GrantService grants, Function<Context, Principal> writer, RequestSchemas schemas) {
        this.grants = grants;
        this.writer = writer;
        this.schemas = schemas;
    }

    public void create(Context ctx) {
        Principal who = writer.apply(ctx);
        var request = Bodies.grantFromJson(schemas.valid(ctx, "UploadGrantRequest"));
        GrantTokens.Issued issued = GrantTokens.issue();
        Grant g = grants.create(who, request, issued.hash());
        Map<String, Object> data = grant(g, grants.now());
        data.put("token", issued.token());
        Wire.created(ctx, data);
    }

    public void get(Context ctx) {
        Grant g = grants.get(writer.apply(ctx), ctx.pathParam("id"));
        Map<String, Object> data = grant(g, grants.now());
        List<Map<String, Object>> uploads = grants.uploads(g).stream()
                .map(u -> Wire.ordered("id", u.idString(), "media_key", u.mediaKey(), "state", u.state().wire())).toList();
        data.put("uploads", uploads);
        Wire.data(ctx, data);
    }

    public void list(Context ctx) {
        long now = grants.now();
        Wire.list(ctx, grants.list(writer.apply(ctx)).stream().map(g -> grant(g, now)).toList());
    }

    public void revoke(Context ctx) {
        grants.revoke(writer.apply(ctx), ctx.pathParam("id"));
        Wire.data(ctx, Map.of("revoked", true));
    }

    public static Map<String, Object> grant(Grant g, long now) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", g.id());
        String revokedBy = g.revokedBy(now);
        m.put("state", revokedBy != null ? "revoked" : !g.live(now) ? "expired" : g.remaining() == 0 ? "used" : "active");
        if (revokedBy != null) m.put("revoked_by", revokedBy); // user, admin, token_revoked, token_expired, app_revoked
        m.put("media_category", g.category().wire());
        if (!g.mediaTypes().isEmpty()) m.put("media_types", g.mediaTypes());
        if (g.maxBytes() != null) m.put("max_bytes", g.maxBytes());
        if (g.maxDurationSecs() != null) m.put("max_duration_secs", g.maxDurationSecs());
        m.put("uploads_allowed", g.uploads());
        m.put("uploads_started", g.used());
        m.put("created_at", g.createdAt());
        m.put("expires_at", g.expiresAt());
        if (!g.allowedOrigins().isEmpty()) m.put("allowed_origins", g.allowedOrigins());
        m.put("shared", g.shared());
        if (!g.additionalOwners().isEmpty()) m.put("additional_owners", g.additionalOwners());
        return m;
    }
}
