package dev.mediaup.media;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.PictureProblems;
import dev.mediaup.core.Problems;
import dev.mediaup.core.Transform;
import dev.mediaup.core.Upload;
import dev.mediaup.core.Variant;
import dev.mediaup.store.MediaStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pictures made on request — a size (delivery's {@code ?w=&h=&fit=}) or a format ({@code ?fm=}, or what the client's
 * {@code Accept} prefers): made once per distinct request from the media's own sizes, kept as a variant of the media
 * (hidden from media objects, gone with the media), served like any variant from then on. Bounded: sizes snap to a
 * ladder, and a media has at most {@code max} of them.
 */
final class OnRequest {
    /** What can be made into other sizes and formats: a photo's sizes, a video's or a GIF's poster. */
    private static final Set<String> PICTURES = Set.of("image/jpeg", "image/png");

    private final MediaStore made;
    private final Pictures pictures;
    private final int max;

    OnRequest(MediaStore made, Pictures pictures, int max) {
        this.made = made;
        this.pictures = pictures;
        this.max = max;
    }

    /** A photo's sizes that are the whole picture, each smaller than the one before (the thumb is a crop). */
    private static final List<String> WHOLE = List.of("orig", "large", "medium", "small");

    /**
     * What {@code t} of {@code v} is made from: the smallest of the photo's whole-picture sizes no larger than
     * {@code v} that still covers the box — the same picture, decoded in a fraction of the time (a 640-px WebP of a
     * 12 MP photo comes from its 680-px size, not from its 4096-px one). A poster has no others: itself.
     */
    private static Variant source(Variant v, Transform t, List<Variant> all) {
        if (!WHOLE.contains(v.name()) || v.width() == null || v.height() == null) return v;
        Variant best = v;
        for (Variant c : all)
            if (WHOLE.contains(c.name()) && c.width() != null && c.height() != null && c.width() < best.width() && covers(c, t, v))
                best = c;
        return best;
    }

    /** Whether {@code c} is large enough for {@code t}'s box as {@code v} would fill it (never enlarged beyond v). */
    private static boolean covers(Variant c, Transform t, Variant v) {
        int w = t.width(), h = t.height();
        if (w == 0 && h == 0) return false; // a format alone: the size itself
        if (t.fit() == Transform.Fit.COVER) {
            // the crop keeps the whole of one side: the picture must be at least the box's size on both after scaling
            double s = Math.max((double) w / v.width(), (double) h / v.height());
            return c.width() >= Math.ceil(v.width() * s) && c.height() >= Math.ceil(v.height() * s);
        }
        // fitted, never enlarged beyond v: c must be at least as large as v scaled to the box (the sizes keep its shape)
        double sw = w == 0 ? 1 : Math.min(w, v.width()) / (double) v.width();
        double sh = h == 0 ? 1 : Math.min(h, v.height()) / (double) v.height();
        double s = Math.min(sw, sh);
        return (double) c.width() / v.width() >= s;
    }

    /**
     * The variant to serve for {@code v} as {@code asked} (null: as it is) in {@code accepted} (null: no preference) —
     * {@code v} itself when that changes nothing.
     */
    Variant variant(Upload u, Variant v, Transform asked, Transform.Format accepted) {
        if (asked != null && asked.atMs() >= 0) throw PictureProblems.timeOfFramesOnly();
        if (!PICTURES.contains(v.contentType())) {
            if (asked != null) throw PictureProblems.notAPicture(v.name());
            return v; // a video, a playlist: what the client prefers for pictures does not apply
        }
        Transform.Format own = v.contentType().equals("image/png") ? Transform.Format.PNG : Transform.Format.JPEG;
        Transform.Format f = asked != null && asked.format() != null ? asked.format() : accepted != null ? accepted : own;
        Transform t = (asked != null ? asked : Transform.format(f)).in(f);
        if (t.equals(Transform.format(own))) return v;
        // only a cover crop depends on the focal point (and is named with it): others need not read the metadata
        FocalPoint focus = t.fit() == Transform.Fit.COVER ? Focus.of(u).orElse(FocalPoint.CENTRE) : FocalPoint.CENTRE;
        String name = t.name(v.name(), focus);
        Optional<Variant> done = made.variant(u.id(), name);
        if (done.isPresent()) return done.get();
        List<Variant> all = made.variants(List.of(u.id()), true);
        bounded(all);
        try {
            return pictures.derive(u, v, source(v, t, all), t, name, focus);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // our own variant unreadable: our fault, a 500
        }
    }

    /** The {@code frame} of a video at {@code asked.atMs()}: from its largest rendition, made once per request. */
    Variant frame(Upload u, Transform asked, Transform.Format accepted) {
        if (!u.family().video()) throw PictureProblems.framesOfVideosOnly();
        if (asked == null || asked.atMs() < 0) throw Problems.required("t");
        Long duration = u.info().durationMs();
        if (duration != null && asked.atMs() > duration) throw PictureProblems.pastTheEnd(asked.atMs(), duration);
        Transform t = asked.in(accepted != null ? accepted : Transform.Format.JPEG);
        String name = t.name(FRAME, FocalPoint.CENTRE);
        Optional<Variant> done = made.variant(u.id(), name);
        if (done.isPresent()) return done.get();
        List<Variant> all = made.variants(List.of(u.id()), true);
        Variant rendition = Variant.largestRendition(all).orElseThrow(() -> Problems.notFound("media_key", u.mediaKey()));
        bounded(all);
        try {
            return pictures.frame(u, rendition, t, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frame "variant": a video's still at any time. */
    static final String FRAME = "frame";

    private void bounded(List<Variant> all) {
        long derived = all.stream().filter(x -> x.name().startsWith(Transform.DERIVED_PREFIX)).count();
        if (derived >= max) throw PictureProblems.tooManyTransforms(max);
    }
}
