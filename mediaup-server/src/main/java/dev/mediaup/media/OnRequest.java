package dev.mediaup.media;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.PictureProblems;
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

    /**
     * The variant to serve for {@code v} as {@code asked} (null: as it is) in {@code accepted} (null: no preference) —
     * {@code v} itself when that changes nothing.
     */
    Variant variant(Upload u, Variant v, Transform asked, Transform.Format accepted) {
        if (!PICTURES.contains(v.contentType())) {
            if (asked != null) throw PictureProblems.notAPicture(v.name());
            return v; // a video, a playlist: what the client prefers for pictures does not apply
        }
        Transform.Format own = v.contentType().equals("image/png") ? Transform.Format.PNG : Transform.Format.JPEG;
        Transform.Format f = asked != null && asked.format() != null ? asked.format() : accepted != null ? accepted : own;
        Transform t = (asked != null ? asked : Transform.format(f)).in(f);
        if (t.equals(Transform.format(own))) return v;
        FocalPoint focus = Focus.of(u).orElse(FocalPoint.CENTRE);
        String name = t.name(v.name(), focus);
        Optional<Variant> done = made.variant(u.id(), name);
        if (done.isPresent()) return done.get();
        long derived = made.variants(List.of(u.id()), true).stream().filter(x -> x.name().startsWith(Transform.DERIVED_PREFIX)).count();
        if (derived >= max) throw PictureProblems.tooManyTransforms(max);
        try {
            return pictures.derive(u, v, t, name, focus);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // our own variant unreadable: our fault, a 500
        }
    }
}
