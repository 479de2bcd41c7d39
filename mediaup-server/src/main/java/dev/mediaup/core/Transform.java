package dev.mediaup.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A picture made on request from one of a media's pictures (delivery's {@code ?w=&h=&fit=&fm=&q=}): a size and a
 * format. Widths and heights snap up to a ladder, so the sizes one media can be asked for are few and each is made
 * once. {@code width}/{@code height} 0: that side follows from the other (both 0: the picture's own size). {@code atMs}:
 * a video's frame at that time ({@code ?t=} seconds, the {@code frame} variant), -1 for a picture.
 */
public record Transform(int width, int height, Fit fit, Format format, int quality, long atMs) {
    /** How the picture meets the box: filled and cropped (around the focal point), fitted and padded, or fitted. */
    public enum Fit { COVER, CONTAIN, INSIDE }

    public enum Format {
        AVIF("image/avif"), WEBP("image/webp"), JPEG("image/jpeg"), PNG("image/png");

        public final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int DEFAULT_QUALITY = 80;
    /** The query parameters a delivery URL may carry: the transform's, and the signature's. */
    private static final Set<String> PARAMETERS = Set.of("w", "h", "fit", "fm", "q", "t", "exp", "sig");

    /**
     * The transform a delivery URL's query asks for, checked: every parameter at most once, none unknown, numbers in
     * range, names from their lists — each refusal a 400 naming the parameter. Empty when it asks for none.
     */
    public static Optional<Transform> parse(Map<String, List<String>> query, List<Integer> ladder) {
        for (var e : query.entrySet()) {
            if (!PARAMETERS.contains(e.getKey()))
                throw Problems.unknownParameter(e.getKey(), String.join(",", e.getValue()), "a delivery URL (w, h, fit, fm, q, t)");
            if (e.getValue().size() > 1) throw Problems.repeated(e.getKey());
        }
        String w = one(query, "w"), h = one(query, "h"), fit = one(query, "fit"), fm = one(query, "fm"), q = one(query, "q");
        String t = one(query, "t");
        if (w == null && h == null && fit == null && fm == null && q == null && t == null) return Optional.empty();
        long at = -1;
        if (t != null) {
            // seconds with up to millisecond precision: no exponent, no NaN, no sign, nothing a double would parse loosely
            if (!t.matches("[0-9]{1,6}(\\.[0-9]{1,3})?")) throw Problems.mustBe("t", t, Problems.Form.SECONDS);
            at = Math.round(Double.parseDouble(t) * 1000);
        }
        int max = ladder.getLast();
        int width = w == null ? 0 : snap(number("w", w, 1, max), ladder), height = h == null ? 0 : snap(number("h", h, 1, max), ladder);
        Fit f = fit == null ? Fit.INSIDE : choice("fit", fit, Fit.values());
        Format format = fm == null ? null : choice("fm", fm, Format.values());
        int quality = q == null ? DEFAULT_QUALITY : number("q", q, 1, 100);
        if (f != Fit.INSIDE && (width == 0 || height == 0)) throw Problems.required(width == 0 ? "w" : "h");
        return Optional.of(new Transform(width, height, f, format, quality, at));
    }

    /** The same picture in another format (what {@code Accept} chose), at its own size. */
    public static Transform format(Format format) {
        return new Transform(0, 0, Fit.INSIDE, format, DEFAULT_QUALITY, -1);
    }

    /** This transform in {@code format} where it names none (the source's format, or what Accept chose). */
    public Transform in(Format f) {
        return format != null ? this : new Transform(width, height, fit, f, quality, atMs);
    }

    /** What the signature covers: the parameters as the URL gives them, in one order. */
    public String canonical() {
        List<String> p = new ArrayList<>();
        if (fit != Fit.INSIDE) p.add("fit=" + fit.name().toLowerCase(Locale.ROOT));
        if (format != null) p.add("fm=" + format.wire());
        if (height > 0) p.add("h=" + height);
        if (quality != DEFAULT_QUALITY) p.add("q=" + quality);
        if (atMs >= 0) p.add(String.format(Locale.ROOT, "t=%d.%03d", atMs / 1000, atMs % 1000));
        if (width > 0) p.add("w=" + width);
        return String.join("&", p);
    }

    /**
     * The derived variant's name: one per distinct request of one source size (format already chosen) — and, for a
     * cover crop, per focal point, so moving it makes new crops rather than serving the old ones.
     */
    public String name(String source, FocalPoint focus) {
        String around = fit == Fit.COVER ? ".f" + Math.round(focus.x() * 100) + "_" + Math.round(focus.y() * 100) : "";
        String at = atMs >= 0 ? ".t" + atMs : "";
        return DERIVED_PREFIX + source + at + "." + width + "x" + height + "." + fit.name().toLowerCase(Locale.ROOT) + around + ".q"
                + quality + "." + format.wire();
    }

    /** Names of variants made on request: never listed in media objects, never shared by store once. */
    public static final String DERIVED_PREFIX = "x.";

    private static String one(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static int number(String name, String v, int min, int max) {
        if (!v.matches("[0-9]{1,6}")) throw Problems.mustBe(name, v, Problems.Form.INTEGER);
        int n = Integer.parseInt(v);
        if (n < min || n > max) throw Problems.outOfRange(name, v, min, max);
        return n;
    }

    private static int snap(int n, List<Integer> ladder) {
        for (int step : ladder) if (step >= n) return step;
        return ladder.getLast();
    }

    private static <E extends Enum<E>> E choice(String name, String v, E[] values) {
        for (E e : values) if (e.name().toLowerCase(Locale.ROOT).equals(v)) return e;
        Set<String> names = new TreeSet<>();
        for (E e : values) names.add(e.name().toLowerCase(Locale.ROOT));
        throw Problems.notOneOf(name, v, names);
    }
}
