package dev.mediaup.core;

/**
 * Where the subject of a picture is, as Mastodon gives it: {@code x} from -1 (the left edge) to 1 (the right), {@code y}
 * from -1 (the bottom) to 1 (the top), 0,0 the centre. A crop that fills a box of another shape keeps it in view.
 */
public record FocalPoint(double x, double y) {
    public static final FocalPoint CENTRE = new FocalPoint(0, 0);

    public FocalPoint {
        if (!(x >= -1 && x <= 1 && y >= -1 && y <= 1)) throw PictureProblems.focalPoint(); // NaN fails every comparison
    }

    /**
     * The left and top of a {@code cw}×{@code ch} crop of a {@code w}×{@code h} picture centred on this point as
     * nearly as the picture's edges allow.
     */
    public int[] cropOrigin(int w, int h, int cw, int ch) {
        double cx = (x + 1) / 2 * w, cy = (1 - y) / 2 * h;
        int left = (int) Math.round(cx - cw / 2.0), top = (int) Math.round(cy - ch / 2.0);
        return new int[] {Math.clamp(left, 0, Math.max(0, w - cw)), Math.clamp(top, 0, Math.max(0, h - ch))};
    }
}
