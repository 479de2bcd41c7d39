package dev.mediaup.api.v2;

import dev.mediaup.api.wire.Bodies;
import dev.mediaup.api.wire.RequestSchemas;
import dev.mediaup.api.wire.Wire;
import dev.mediaup.core.MediaKey;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problem.Kind;
import dev.mediaup.core.Problems;
import dev.mediaup.core.State;
import dev.mediaup.core.Transform;
import dev.mediaup.core.SubtitleTrack;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.media.Analytics;
import dev.mediaup.media.Focus;
import dev.mediaup.media.MediaService;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The media-object endpoints (lookup, metadata, delete, listing) and delivery of the bytes. */
public final class MediaApi {
    /** mediaup's extension fields, answered only when media.fields names them (X's clients never do). */
    private static final String BLURHASH = "x_blurhash";
    public static final Set<String> FIELDS = Set.of("alt_text", "duration_ms", "height", "media_key", "non_public_metrics",
            "organic_metrics", "preview_image_url", "promoted_metrics", "public_metrics", "type", "url", "variants", "width",
            BLURHASH, Focus.MEMBER);
    private static final List<String> DEFAULT_FIELDS = List.of("media_key", "type"); // what X answers without media.fields

    private final MediaService media;
    private final Analytics analytics;
    private final Function<Context, String> origin;
    private final Function<Context, Principal> principal;
    private final RequestSchemas schemas;

    public MediaApi(MediaService media, Function<Context, String> origin, Function<Context, Principal> principal, RequestSchemas schemas) {
        this.media = media;
        this.analytics = new Analytics(media);
        this.origin = origin;
        this.principal = principal;
        this.schemas = schemas;
    }

    private static Principal reader(Principal p) {
        if (!p.appOnly() && !p.has("tweet.read") && !p.has("users.read"))
            throw Problems.missingScope("tweet.read (or users.read)");
        return p;
    }

    // ---- lookup ----

    public void lookupOne(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        String key = ctx.pathParam("media_key");
        checkKey("media_key", key);
        respond(ctx, media.lookup(who, List.of(key)), fields(ctx), "media_key", false);
    }

    public void lookupMany(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        respond(ctx, media.lookup(who, mediaKeys(ctx)), fields(ctx), "media_keys", true);
    }

    /** media_keys: 1 to 100 comma-separated keys of the spec's pattern, duplicates dropped. */
    private static List<String> mediaKeys(Context ctx) {
        String raw = ctx.queryParam("media_keys");
        if (raw == null || raw.isBlank()) throw Problems.required("media_keys");
        List<String> keys = Arrays.stream(raw.split(",", -1)).map(String::trim).toList();
        if (keys.size() > 100) throw Problems.tooMany("media_keys", raw, 100);
        keys.forEach(k -> checkKey("media_keys", k));
        return keys.stream().distinct().toList();
    }

    private static void checkKey(String parameter, String key) {
        if (!MediaKey.wellFormed(key)) throw Problems.badQueryValue(parameter, key, MediaKey.PATTERN);
    }

    private static List<String> fields(Context ctx) {
        String raw = ctx.queryParam("media.fields");
        if (raw == null) return DEFAULT_FIELDS;
        List<String> f = Arrays.stream(raw.split(",", -1)).map(String::trim).toList();
        for (String x : f)
            if (!FIELDS.contains(x)) throw Problems.queryValueNotOneOf("media.fields", x, new TreeSet<>(FIELDS));
        Set<String> all = new LinkedHashSet<>(DEFAULT_FIELDS);
        all.addAll(f);
        return List.copyOf(all);
    }

    /** Like X: found media in data, the rest as resource-not-found problems in errors[], all with 200. */
    private void respond(Context ctx, MediaService.Found found, List<String> fields, String parameter, boolean many) {
        List<Map<String, Object>> data = mediaObjects(ctx, found.media(), fields);
        respond(ctx, data.isEmpty() ? null : many ? data : data.getFirst(), found.missing(), parameter);
    }

    private static void respond(Context ctx, Object data, List<String> missing, String parameter) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (data != null) body.put("data", data);
        if (!missing.isEmpty())
            body.put("errors", missing.stream().map(k -> Wire.ordered("value", k, "detail", "Could not find media with " + parameter
                    + ": [" + k + "].",
                    "title", "Not Found Error", "resource_type", "media", "parameter", parameter, "resource_id", k,
                    "type", Kind.NOT_FOUND.type)).toList());
        ctx.status(200).contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }

    /** The Media objects of a page of media, with one lookup of their variants for the whole page. */
    private List<Map<String, Object>> mediaObjects(Context ctx, List<Upload> page, List<String> fields) {
        Map<Long, List<Variant>> variants = media.variants(page.stream().map(Upload::id).toList());
        return page.stream().map(u -> mediaObject(ctx, u, fields, variants.getOrDefault(u.id(), List.of()))).toList();
    }

    /** X's Media object with the requested fields that we have; fields without data are left out, never invented. */
    private Map<String, Object> mediaObject(Context ctx, Upload u, List<String> fields, List<Variant> variants) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean ready = u.state() == State.SUCCEEDED;
        boolean playable = u.wireType().equals("video") || u.wireType().equals("animated_gif");
        List<Variant> made = ready ? variants : List.of();
        String base = origin.apply(ctx);
        for (String f : fields) {
            switch (f) {
                case "media_key" -> m.put("media_key", u.mediaKey());
                case "type" -> m.put("type", u.wireType());
                case "width" -> { if (u.info().width() != null) m.put("width", u.info().width()); }
                case "height" -> { if (u.info().height() != null) m.put("height", u.info().height()); }
                case "duration_ms" -> { if (u.info().durationMs() != null) m.put("duration_ms", u.info().durationMs()); }
                case "url" -> { if (ready && !playable) m.put("url", base + media.signedPath(u, MediaService.ORIGINAL)); }
                case "preview_image_url" -> made.stream().filter(v -> v.name().equals("poster")).findFirst()
                        .ifPresent(v -> m.put("preview_image_url", base + media.signedPath(u, v.name())));
                case "variants" -> { if (ready && playable) m.put("variants", variants(u, made, base)); }
                case "alt_text" -> altText(u).ifPresent(t -> m.put("alt_text", t));
                case BLURHASH -> { if (ready && u.info().blurhash() != null) m.put(BLURHASH, u.info().blurhash()); }
                case Focus.MEMBER -> Focus.of(u)
                        .ifPresent(p -> m.put(Focus.MEMBER, Wire.ordered("x", p.x(), "y", p.y())));
                case "public_metrics", "non_public_metrics", "organic_metrics" -> metrics(ctx, u, f).ifPresent(x -> m.put(f, x));
                default -> { } // promoted_metrics: nothing is promoted here, so there is nothing to report
            }
        }
        if (playable && fields.contains("variants")) {
            // mediaup extension: subtitle tracks, each with a delivery URL of its normalized WebVTT file
            var tracks = media.subtitles(u);
            if (!tracks.isEmpty()) m.put("subtitles", tracks.stream().map(t -> Wire.ordered("language_code", t.languageCode(),
                    "display_name", Objects.requireNonNullElse(t.displayName(), t.languageCode()),
                    "url", base + media.signedPath(t.subtitlesId(), "vtt"))).toList());
        }
        return m;
    }

    /**
     * A video's metrics as X reports them, from the counters behind /2/media/analytics (all time: the same numbers as
     * its "total" granularity): view_count for anyone who may see the video; playback quartiles (and, organic, the
     * views) only for its owners — X's non-public metrics. Every view here is organic; nothing is promoted. Absent for
     * pictures and GIFs, for which X reports none.
     */
    private Optional<Map<String, Object>> metrics(Context ctx, Upload u, String field) {
        if (!u.wireType().equals("video") || u.state() != State.SUCCEEDED) return Optional.empty();
        Principal who = principal.apply(ctx);
        boolean owner = who != null && who.userId() != null && u.visibleTo(who.userId());
        if (!field.equals("public_metrics") && !owner) return Optional.empty();
        Map<String, Long> total = media.totals(u.id());
        if (field.equals("public_metrics")) return Optional.of(Map.of("view_count", total.getOrDefault("video_views", 0L)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("playback_0_count", total.getOrDefault("playback_start", 0L));
        out.put("playback_25_count", total.getOrDefault("playback25", 0L));
        out.put("playback_50_count", total.getOrDefault("playback50", 0L));
        out.put("playback_75_count", total.getOrDefault("playback75", 0L));
        out.put("playback_100_count", total.getOrDefault("playback_complete", 0L));
        if (field.equals("organic_metrics")) out.put("view_count", total.getOrDefault("video_views", 0L));
        return Optional.of(out);
    }

    /** The playable renditions, best first (an animated GIF's MP4 has bit_rate 0, as on X). */
    private List<Map<String, Object>> variants(Upload u, List<Variant> made, String base) {
        List<Map<String, Object>> out = new ArrayList<>();
        made.stream().filter(v -> v.contentType().equals("video/mp4"))
                .sorted(Comparator.comparing((Variant v) -> v.bitRate() == null ? 0 : v.bitRate()).reversed())
                .forEach(v -> out.add(Wire.ordered("bit_rate", v.bitRate() == null ? 0 : v.bitRate(), "content_type", v.contentType(),
                        "url", base + media.signedPath(u, v.name()))));
        // the adaptive playlist of them all, as X lists it: no bit_rate
        made.stream().filter(v -> v.contentType().equals(MediaService.PLAYLIST))
                .forEach(v -> out.add(Wire.ordered("content_type", v.contentType(), "url", base + media.signedPath(u, v.name()))));
        return out;
    }

    /**
     * GET /2/media/{media_key}/variants (extension): every file delivery serves of the caller's media — each picture
     * size, rendition, poster, playlist and track, and "original" when the uploaded bytes are kept — with its type,
     * size in bytes, dimensions, bit rate and a signed URL. X's Media object lists only a video's MP4s and playlist.
     */
    public void files(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        String key = ctx.pathParam("media_key");
        checkKey("media_key", key);
        // ?w=&h=&fit=&fm=&q=: each picture's URL asks for that transform, signed with it (a public URL of a size)
        Transform t = Transform.parse(ctx.queryParamMap(), media.transformSizes()).orElse(null);
        Transform frame = t != null && t.atMs() >= 0 ? t : null; // ?t=: a video's frame, listed as "frame"
        if (frame != null) t = null;
        var files = media.files(who, key);
        String base = origin.apply(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Variant v : files.made()) {
            var m = Wire.ordered("name", v.name(), "content_type", v.contentType(), "bytes", v.size());
            if (v.width() != null) m.put("width", v.width());
            if (v.height() != null) m.put("height", v.height());
            if (v.bitRate() != null) m.put("bit_rate", v.bitRate());
            boolean picture = v.contentType().equals("image/jpeg") || v.contentType().equals("image/png");
            m.put("url", base + media.signedPath(files.upload(), v.name(), picture ? t : null));
            out.add(m);
        }
        if (frame != null && files.upload().family().video() && !files.made().isEmpty())
            out.add(Wire.ordered("name", "frame", "content_type", frame.format() == null ? "image/jpeg" : frame.format().mediaType,
                    "url", base + media.signedPath(files.upload(), "frame", frame)));
        if (files.originalBytes() != null)
            out.add(Wire.ordered("name", MediaService.UPLOADED, "content_type", files.upload().servedType(), "bytes", files.originalBytes(),
                    "url", base + media.signedPath(files.upload(), MediaService.UPLOADED)));
        Wire.data(ctx, Wire.ordered("media_key", key, "id", files.upload().idString(), "media_category",
                files.upload().category().wire(), "media_type", files.upload().mediaType(), "state", files.upload().state().wire(),
                "variants", out));
    }

    private static Optional<String> altText(Upload u) {
        if (u.metadataJson() == null) return Optional.empty();
        JsonNode t = Wire.JSON.readTree(u.metadataJson()).path("alt_text").path("text");
        return t.isString() ? Optional.of(t.asString()) : Optional.empty();
    }

    // ---- metadata ----

    public void metadata(Context ctx, Principal who) {
        JsonNode body = schemas.valid(ctx, "CreateMediaMetadataRequest");
        long id = Bodies.mediaId(body.get("id").asString(), "id");
        ObjectNode additions = body.has("metadata") ? (ObjectNode) body.get("metadata") : Wire.JSON.createObjectNode();
        Wire.data(ctx, Wire.ordered("id", Long.toString(id), "associated_metadata", media.mergeMetadata(who, id, additions)));
    }

    // ---- subtitles ----

    public void attachSubtitles(Context ctx, Principal who) {
        JsonNode b = schemas.valid(ctx, "CreateMediaSubtitlesRequest");
        for (String f : List.of("id", "media_category", "subtitles"))
            if (!b.has(f)) throw Problems.required(f);
        JsonNode sub = b.get("subtitles");
        for (String f : List.of("id", "language_code"))
            if (!sub.has(f)) throw Problems.required("subtitles." + f);
        long id = Bodies.mediaId(b.get("id").asString(), "id");
        String category = b.get("media_category").asString();
        var tracks = media.attachSubtitles(who, id, category, Bodies.mediaId(sub.get("id").asString(), "subtitles.id"),
                sub.get("language_code").asString(), sub.has("display_name") ? sub.get("display_name").asString() : null);
        Wire.data(ctx, Wire.ordered("id", Long.toString(id), "media_category", category, "associated_subtitles", tracksJson(tracks)));
    }

    public void detachSubtitles(Context ctx, Principal who) {
        JsonNode b = schemas.valid(ctx, "DeleteMediaSubtitlesRequest");
        long id = Bodies.mediaId(b.get("id").asString(), "id");
        String lang = b.get("language_code").asString();
        if (!lang.matches("[A-Z]{2}")) throw Problems.languageCode(lang);
        Wire.data(ctx, Map.of("deleted", media.detachSubtitles(who, id, b.get("media_category").asString(), lang)));
    }

    private static Map<String, Object> tracksJson(List<SubtitleTrack> tracks) {
        List<Map<String, Object>> list = tracks.stream().map(t -> Wire.ordered("language_code", t.languageCode(), "display_name",
                Objects.requireNonNullElse(t.displayName(), t.languageCode()), "id", Long.toString(t.subtitlesId()))).toList();
        return Wire.ordered("subtitles", list);
    }

    // ---- analytics ----

    /** GET /2/media/analytics: counters we really recorded (deliveries, playback beacons), zeros where nothing happened. */
    public void analytics(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        List<String> keys = mediaKeys(ctx);
        Instant start = instant(ctx, "start_time"), end = instant(ctx, "end_time");
        if (!end.isAfter(start)) throw Problems.endNotAfterStart(ctx.queryParam("end_time"));
        String granularity = Objects.requireNonNullElse(ctx.queryParam("granularity"), "daily");
        Analytics.Granularity g = switch (granularity) {
            case "hourly" -> Analytics.Granularity.HOURLY;
            case "daily" -> Analytics.Granularity.DAILY;
            case "total" -> Analytics.Granularity.TOTAL;
            default -> throw Problems.notOneOf("granularity", granularity, List.of("hourly", "daily", "total"));
        };
        if (g == Analytics.Granularity.HOURLY && Analytics.hourSpan(start, end) > 24 * 31)
            throw Problems.timeRangeTooLong(ctx.queryParam("start_time"), 31, "Hourly");
        Analytics.Report report = analytics.report(who, keys, start, end, g);
        List<Map<String, Object>> data = report.series().stream().map(s -> Wire.ordered("media_key", s.media().mediaKey(),
                "timestamped_metrics", s.buckets().stream().map(b -> Wire.ordered("timestamp", b.start().toString(), "metrics",
                        b.metrics())).toList())).toList();
        respond(ctx, data.isEmpty() ? null : data, report.missing(), "media_keys");
    }

    private static Instant instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) throw Problems.required(name, Problems.Hint.TIMESTAMP);
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw Problems.mustBe(name, v, Problems.Form.TIMESTAMP);
        }
    }

    // ---- extensions: delete, listing ----

    public void delete(Context ctx, Principal who) {
        String key = ctx.pathParam("media_key");
        checkKey("media_key", key);
        media.delete(who, key);
        Wire.data(ctx, Map.of("deleted", true));
    }

    public void mine(Context ctx) {
        Principal who = reader(principal.apply(ctx));
        if (who.appOnly()) throw Problems.userContextRequired();
        int max = 10;
        String m = ctx.queryParam("max_results");
        if (m != null) {
            if (!m.matches("[0-9]{1,3}") || Integer.parseInt(m) < 1 || Integer.parseInt(m) > 100)
                throw Problems.outOfRange("max_results", m, 1, 100);
            max = Integer.parseInt(m);
        }
        String token = ctx.queryParam("pagination_token");
        Long before = token == null ? null : Bodies.mediaId(token, "pagination_token");
        List<Upload> page = media.mine(who, before, max + 1);
        boolean more = page.size() > max;
        if (more) page = page.subList(0, max);
        List<String> fields = fields(ctx);
        Map<String, Object> metaInfo = new LinkedHashMap<>();
        metaInfo.put("result_count", page.size());
        if (more) metaInfo.put("next_token", page.getLast().idString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", listed(ctx, page, fields));
        body.put("meta", metaInfo);
        ctx.status(200).contentType("application/json").result(Wire.JSON.writeValueAsBytes(body));
    }

    /**
     * The listing's Media objects, with what a library shows beside X's fields (this listing is mediaup's own):
     * {@code state}, {@code media_type}, {@code bytes}, {@code created_at}, and a picture's thumbnail as
     * {@code preview_image_url} — X's lookups stay as X answers them.
     */
    private List<Map<String, Object>> listed(Context ctx, List<Upload> page, List<String> fields) {
        Map<Long, List<Variant>> variants = media.variants(page.stream().map(Upload::id).toList());
        String base = origin.apply(ctx);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Upload u : page) {
            List<Variant> made = variants.getOrDefault(u.id(), List.of());
            Map<String, Object> m = mediaObject(ctx, u, fields, made);
            m.put("state", u.state().wire());
            m.put("media_type", u.mediaType());
            if (u.size() != null) m.put("bytes", u.size());
            m.put("created_at", Instant.ofEpochSecond(u.createdAt()).toString());
            if (u.state() == State.SUCCEEDED && u.wireType().equals("photo") && made.stream().anyMatch(v -> v.name().equals("thumb")))
                m.put("preview_image_url", base + media.signedPath(u, "thumb"));
            out.add(m);
        }
        return out;
    }
}
