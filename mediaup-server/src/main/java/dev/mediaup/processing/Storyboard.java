package dev.mediaup.processing;

import dev.mediaup.core.MediaRejected;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A video's storyboard, for scrub previews: one sprite of small thumbnails taken every few seconds, and a WebVTT track
 * whose cues name each thumbnail's place in it ({@code storyboard.jpg#xywh=x,y,w,h}) — what video.js, Plyr and
 * Vidstack read. Made from the smallest rendition, decoding only its keyframes: the renditions have one at every
 * 6-second boundary, so thumbnails every 6 s (12, 18… for longer videos, at most {@link #MAX_TILES}) cost a fraction of
 * a second, not another decode of the video.
 */
final class Storyboard {
    static final String SPRITE = "storyboard.jpg";
    static final String TRACK = "storyboard.vtt";
    static final int MAX_TILES = 100;
    private static final int COLUMNS = 10, TILE_WIDTH = 160;

    private final Ffmpeg ffmpeg;

    Storyboard(Ffmpeg ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /** Seconds between thumbnails: the keyframe spacing, times what keeps a long video within {@link #MAX_TILES}. */
    static int interval(long durationMs) {
        long keyframes = Math.max(1, (durationMs + Video.HLS_SECONDS * 1000L - 1) / (Video.HLS_SECONDS * 1000L));
        return Video.HLS_SECONDS * (int) Math.max(1, (keyframes + MAX_TILES - 1) / MAX_TILES);
    }

    /** The sprite and the track, made from {@code rendition} ({@code w}×{@code h}) in {@code work}. */
    List<Video.Output> make(Path rendition, int w, int h, long durationMs, Path work) throws IOException {
        int every = interval(durationMs), keyframesPerTile = every / Video.HLS_SECONDS;
        int tiles = (int) Math.max(1, (durationMs + every * 1000L - 1) / (every * 1000L));
        int columns = Math.min(COLUMNS, tiles), rows = (tiles + columns - 1) / columns;
        int tw = TILE_WIDTH, th = Math.max(2, (int) Math.round((double) TILE_WIDTH * h / w / 2) * 2);
        Path sprite = work.resolve(SPRITE);
        Ffmpeg.Result r = ffmpeg.ffmpeg(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", Ffmpeg.PROTOCOLS,
                // every keyframe (or every k-th, for long videos) as it comes, each a tile: no fps filter, which
                // drops a lone keyframe (a video under 6 s has one)
                "-skip_frame", "nokey", "-f", "mov", "-i", "file:" + rendition, "-map", "0:v:0", "-vf",
                "select='not(mod(n\\," + keyframesPerTile + "))',scale=" + tw + ":" + th + ":out_range=full,format=yuvj420p,tile="
                        + columns + "x" + rows, "-fps_mode", "passthrough", "-frames:v", "1", "-q:v", "4",
                "-map_metadata", "-1", "-update", "1", "-y", sprite.toString()), work, ffmpeg.limits().timeoutSecs(), l -> { });
        ffmpeg.checkOpen();
        if (!r.ok() || !Files.isRegularFile(sprite) || Files.size(sprite) == 0)
            throw new MediaRejected("No storyboard could be made: " + Video.lastLine(r.stderrTail()));
        StringBuilder vtt = new StringBuilder("WEBVTT\n");
        for (int i = 0; i < tiles; i++) {
            long from = i * every * 1000L, to = Math.min(durationMs, (i + 1) * every * 1000L);
            vtt.append('\n').append(time(from)).append(" --> ").append(time(Math.max(to, from + 1))).append('\n').append(SPRITE)
                    .append("#xywh=").append(i % columns * tw).append(',').append(i / columns * th).append(',').append(tw).append(',')
                    .append(th).append('\n');
        }
        Path track = work.resolve(TRACK);
        Files.writeString(track, vtt);
        return List.of(new Video.Output(SPRITE, sprite, "image/jpeg", columns * tw, rows * th, null),
                new Video.Output(TRACK, track, "text/vtt", null, null, null));
    }

    private static String time(long ms) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
}
