package dev.mediaup.core;

import dev.mediaup.core.Problem.Kind;

import static dev.mediaup.core.Problem.invalid;
import static dev.mediaup.core.Problem.of;
import static dev.mediaup.core.ProblemCode.NOT_A_PICTURE;
import static dev.mediaup.core.ProblemCode.TOO_MANY_TRANSFORMS;

/** The errors of what mediaup adds to pictures: focal points, and pictures made on request. Codes in docs/errors.md. */
public final class PictureProblems {
    private PictureProblems() {}

    public static Problem notAPicture(String variant) {
        return invalid(NOT_A_PICTURE, "variant", variant, "Only pictures (a photo's sizes, a video's or GIF's poster) can be "
                + "resized or converted; " + variant + " is not one.");
    }

    /** The media already has as many sizes made on request as one media may have. */
    public static Problem tooManyTransforms(int max) {
        return of(Kind.RATE_LIMITED, TOO_MANY_TRANSFORMS, "This media already has " + max + " sizes made on request, the most one "
                + "media may have; ask for one of the sizes already made (the same w, h, fit, fm and q).", "w", null);
    }

    public static Problem framesOfVideosOnly() {
        return invalid(ProblemCode.NOT_A_VIDEO, "variant", "frame", "Frames are taken from videos; this media is not one.");
    }

    public static Problem timeOfFramesOnly() {
        return invalid(ProblemCode.UNKNOWN_PARAMETER, "t", null, "t (a time) is for a video's frame: /media/{media_key}/frame?t=….");
    }

    public static Problem pastTheEnd(long atMs, long durationMs) {
        return invalid(ProblemCode.OUT_OF_RANGE, "t", atMs / 1000.0, "t is past the end of the video, which is "
                + durationMs / 1000.0 + " s long.");
    }

    public static Problem posterTime() {
        return Problems.mustBe("x_poster_time_secs", null, Problems.Form.POSTER_TIME);
    }

    public static Problem focalPoint() {
        return Problems.mustBe("x_focus", null, Problems.Form.FOCAL_POINT);
    }
}
