package dev.mediaup.api.v2;

import dev.mediaup.admin.AdminService;
import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.RequestSchemas;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.config.LimitsConfig;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Quota;
import dev.mediaup.core.Usage;
import dev.mediaup.upload.UploadService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The caller's usage ({@code GET /2/usage/media}, any user) and the administrator's endpoints under {@code /2/admin}
 * (the {@code mediaup.admin} scope): users' usage, bearer tokens, OAuth apps and every user's grants. Extensions, in
 * the served OpenAPI; the console's account and admin pages are built on nothing else.
 */
public final class AdminApi {
    private final AdminService admin;
    private final UploadService uploads;
    private final Function<Context, Principal> principal;
    private final RequestSchemas schemas;

    public AdminApi(AdminService admin, UploadService uploads, Function<Context, Principal> principal, RequestSchemas schemas) {
        this.admin = admin;
        this.uploads = uploads;
        this.principal = principal;
        this.schemas = schemas;
    }

    public void install(RoutesConfig r) {
        r.get("/2/usage/media", this::usage);
        r.get("/2/admin/users", ctx -> Wire.list(ctx, admin.users(who(ctx)).stream().map(AdminApi::usage).toList()));
        r.get("/2/admin/tokens", ctx -> Wire.list(ctx, admin.tokens(who(ctx)).stream().map(AdminApi::token).toList()));
        r.post("/2/admin/tokens", this::createToken);
        r.delete("/2/admin/tokens/{id}", ctx -> {
            admin.revokeToken(who(ctx), ctx.pathParam("id"));
            Wire.data(ctx, Map.of("revoked", true));
        });
        r.get("/2/admin/apps", ctx -> Wire.list(ctx, admin.apps(who(ctx)).stream()
                .map(a -> Wire.ordered("consumer_key", a.consumerKey(), "name", a.name(), "revoked", a.revoked())).toList()));
        r.post("/2/admin/apps", this::createApp);
        r.delete("/2/admin/apps/{consumer_key}", ctx -> {
            admin.revokeApp(who(ctx), ctx.pathParam("consumer_key"));
            Wire.data(ctx, Map.of("revoked", true));
        });
        r.get("/2/admin/grants", ctx -> {
            long now = admin.now();
            Wire.list(ctx, admin.grants(who(ctx)).stream().map(g -> {
                var m = GrantsApi.grant(g, now);
                m.put("user_id", g.userId());
                return m;
            }).toList());
        });
        r.delete("/2/admin/grants/{id}", ctx -> {
            admin.revokeGrant(who(ctx), ctx.pathParam("id"));
            Wire.data(ctx, Map.of("revoked", true));
        });
    }

    private Principal who(Context ctx) {
        Principal p = principal.apply(ctx);
        AdminService.check(p);
        return p;
    }

    /**
     * GET /2/usage/media: bytes stored and received today, with the quotas that apply (absent when unlimited), and the
     * credential's scopes.
     */
    private void usage(Context ctx) {
        Principal who = principal.apply(ctx);
        Usage u = uploads.usage(who);
        LimitsConfig limits = uploads.limits();
        Map<String, Object> m = usage(u);
        Quota q = limits.quota();
        if (q.dailyBytes() != null) m.put("daily_bytes_limit", q.dailyBytes());
        if (q.storedBytes() != null) m.put("stored_bytes_limit", q.storedBytes());
        m.put("day_resets_at", Quota.dayEnds(uploads.now()));
        m.put("scopes", who.scopes().stream().sorted().toList()); // what this credential may do (the console shows its pages by it)
        Wire.data(ctx, m);
    }

    private static Map<String, Object> usage(Usage u) {
        return Wire.ordered("user_id", u.userId(), "stored_bytes", u.storedBytes(), "uploaded_bytes_today", u.uploadedToday());
    }

    private static Map<String, Object> token(AdminService.TokenInfo t) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", t.id());
        m.put("kind", t.kind());
        if (t.userId() != null) m.put("user_id", t.userId());
        if (t.appKey() != null) m.put("consumer_key", t.appKey());
        m.put("scopes", t.scopes());
        m.put("created_at", t.createdAt());
        if (t.expiresAt() != null) m.put("expires_at", t.expiresAt());
        m.put("revoked", t.revoked());
        return m;
    }

    private void createToken(Context ctx) {
        Principal who = who(ctx);
        var r = Bodies.tokenFromJson(schemas.valid(ctx, "AdminTokenRequest"));
        var t = admin.createToken(who, r.userId(), r.scopes(), r.expiresInSecs());
        var m = Wire.ordered("id", t.id(), "token", t.token(), "user_id", t.userId(), "scopes", t.scopes());
        if (t.expiresAt() != null) m.put("expires_at", t.expiresAt());
        Wire.created(ctx, m);
    }

    private void createApp(Context ctx) {
        Principal who = who(ctx);
        var a = admin.createApp(who, Bodies.appNameFromJson(Bodies.json(Bodies.small(ctx))));
        Wire.created(ctx, Wire.ordered("consumer_key", a.consumerKey(), "consumer_secret", a.consumerSecret(), "name", a.name(),
                "bearer_token", a.bearerToken()));
    }
}
