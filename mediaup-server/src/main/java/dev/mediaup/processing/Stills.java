package dev.mediaup.processing;

import dev.mediaup.core.MediaRejected;
import dev.mediaup.core.Unavailable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pictures no Java decoder reads — HEIC (HEVC-coded HEIF) and AVIF — turned into pixels by ffmpeg, sandboxed like
 * every ffmpeg run: one PNG of the primary image, a grid's tiles joined and {@code irot}/{@code imir} applied (ffmpeg
 * does both), no metadata carried over. The PNG is then made into X's sizes like any picture, its header checked
 * against the pixel limit again (the HEIF header already was, before ffmpeg ran).
 */
final class Stills {
    /** A picture decodes in a second or two; a run ten times longer is a file built to make it slow. */
    private static final long TIMEOUT_SECS = 30;

    private final Ffmpeg ffmpeg;

    Stills(Ffmpeg ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    Path png(Path file, Path work) throws IOException {
        Path out = work.resolve("still.png");
        Ffmpeg.Result r;
        try {
            r = ffmpeg.ffmpeg(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", Ffmpeg.PROTOCOLS,
                    "-f", "mov", "-i", "file:" + file, "-frames:v", "1", "-map_metadata", "-1", "-pix_fmt", "rgb24", "-c:v", "png",
                    "-f", "image2", "-update", "1", "-y", out.toString()), work, Math.min(TIMEOUT_SECS, ffmpeg.limits().timeoutSecs()),
                    l -> { });
        } catch (Ffmpeg.NotRunnable e) {
            // the machine's fault: FINALIZE answers 503 and the upload stays as it was, to be finalized again
            throw new Unavailable("processing", e.getMessage(), e);
        }
        ffmpeg.checkOpen();
        if (r.timedOut()) throw new MediaRejected("The image took too long to decode.");
        if (!r.ok() || !Files.isRegularFile(out) || Files.size(out) == 0)
            throw new MediaRejected("The image could not be decoded: " + Video.lastLine(r.stderrTail()));
        return out;
    }
}
