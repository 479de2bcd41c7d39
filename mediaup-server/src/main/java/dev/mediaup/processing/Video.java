package dev.mediaup.processing;

import dev.mediaup.core.MediaRejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Video and animated GIF through ffmpeg: probe (duration, dimensions, codecs, rotation), enforce the limits, then one
 * ffmpeg run that decodes the source once and writes every H.264/AAC rendition, reporting its
 * real progress. ffmpeg turns rotated sources upright itself; renditions carry no source metadata.
 */
final class Video {
    private static final Logger log = LoggerFactory.getLogger(Video.class);

    /** Renditions we may make, by the short side of the picture, with X's bit rates where X publishes them. */
    private static final int[][] LADDER = {{1080, 5_000_000}, {720, 2_176_000}, {480, 1_200_000}, {360, 832_000}, {270, 256_000}};
    static final int MAX_RENDITIONS = 3;

    /** {@code posterAtMs}: where the poster is taken from (0: the first frame). */
    record Limits(long maxDurationMs, int maxGifFrames, long maxPixels, long posterAtMs) {}

    /** A file ffmpeg wrote, and what it is. */
    record Output(String name, Path file, String contentType, Integer width, Integer height, Integer bitRate) {}

    record Made(int width, int height, long durationMs, List<Output> outputs) {}

    private final Ffmpeg ffmpeg;

    Video(Ffmpeg ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /** ffmpeg's demuxer for a media type: named explicitly, never guessed from the bytes. */
    static String demuxer(String mediaType) {
        return switch (mediaType) {
            case "video/mp4", "video/quicktime" -> "mov";
            case "video/webm" -> "matroska";
            case "video/mp2t" -> "mpegts";
            case "image/gif" -> "gif";
            default -> throw new MediaRejected("Unsupported media type " + mediaType + ".");
        };
    }

    /**
     * Makes the renditions of {@code input} (a path or concat: URL of our own blobs) in {@code work}. {@code gif}:
     * one silent MP4 at the source size, as X does for animated GIFs. Progress is reported 0..100.
     */
    Made process(String mediaType, String input, boolean gif, Limits limits, Path work, IntConsumer progress) throws IOException {
        Source src = inspect(demuxer(mediaType), input, gif, limits, work);
        Path hls = work.resolve("hls");
        if (!gif) Files.createDirectories(hls);
        List<Output> outs = new ArrayList<>();
        List<String> args = encoding(src, input, gif, limits, work, hls, outs);
        long maxMs = limits.maxDurationMs();
        double seconds = src.seconds();
        double expected = seconds > 0 ? Math.min(seconds, maxMs / 1000.0) : maxMs / 1000.0;
        double[] reached = {0};
        Ffmpeg.Result r = ffmpeg.ffmpeg(args, work, ffmpeg.limits().timeoutSecs(), line -> {
            if (line.startsWith("out_time_us=") && !line.endsWith("N/A")) {
                reached[0] = Math.max(reached[0], Long.parseLong(line.substring(12).trim()) / 1e6);
                progress.accept((int) Math.min(99, reached[0] * 100 / Math.max(0.001, expected)));
            }
        });
        ffmpeg.checkOpen();
        if (r.timedOut()) throw new MediaRejected("Processing took longer than " + ffmpeg.limits().timeoutSecs() + " s and was stopped.");
        if (!r.ok()) throw new MediaRejected("The media could not be transcoded: " + lastLine(r.stderrTail()));
        if (!gif && seconds <= 0 && reached[0] * 1000 >= maxMs)
            throw new MediaRejected("The video is longer than its limit of " + maxMs / 1000
                    + " s (its category's, or its upload grant's).");
        // ffmpeg decodes what it can of a damaged file; a rendition far shorter than the container says means damage
        if (!gif && seconds > 0 && reached[0] < Math.min(seconds, maxMs / 1000.0) * 0.9 - 0.5)
            throw new MediaRejected(String.format(Locale.ROOT,
                    "The video is truncated or damaged: only %.1f of its %.1f s could be decoded.",
                    reached[0], seconds));
        for (Output o : outs)
            if (!Files.isRegularFile(o.file()) || Files.size(o.file()) == 0) throw new MediaRejected("The media has no decodable frames.");
        if (!gif) outs.addAll(hls(List.copyOf(outs), hls, src.audio()));
        // where its owner chose a frame (within the video; its length may be unknown before decoding): else the first
        long posterAt = limits.posterAtMs() > 0 && seconds > 0 ? Math.min(limits.posterAtMs(), (long) (seconds * 1000)) : 0;
        outs.add(poster(src.format(), input, src.w(), src.h(), posterAt, work));
        long durationMs = seconds > 0 ? Math.round(seconds * 1000) : Math.round(reached[0] * 1000);
        if (!gif) outs.addAll(storyboard(outs, durationMs, work));
        return new Made(src.w(), src.h(), durationMs, outs);
    }

    /**
     * The storyboard, from the smallest rendition (listed last): scrub previews need no more pixels than that. An extra:
     * a video whose storyboard cannot be made is still a video (without one; logged).
     */
    private List<Output> storyboard(List<Output> outs, long durationMs, Path work) throws IOException {
        Output smallest = outs.stream().filter(o -> o.contentType().equals("video/mp4")).reduce((a, b) -> b).orElseThrow();
        try {
            return new Storyboard(ffmpeg).make(smallest.file(), smallest.width(), smallest.height(), durationMs, work);
        } catch (MediaRejected e) {
            log.warn("no storyboard for {}: {}", work.getFileName(), e.getMessage());
            return List.of();
        }
    }

    /** What the probe found, as displayed (a 90° rotation already swapped w and h). */
    private record Source(String format, int w, int h, double seconds, boolean audio) {}

    /** Probes the input and refuses what is over the limits before anything is decoded. */
    private Source inspect(String format, String input, boolean gif, Limits limits, Path work) throws IOException {
        JsonNode probe = ffmpeg.probe(format, input, gif ? List.of("-count_packets") : List.of(), work);
        JsonNode v = null;
        boolean audio = false;
        for (JsonNode s : probe.path("streams")) {
            if (s.path("codec_type").asString("").equals("video") && s.path("disposition").path("attached_pic").asInt(0) == 0
                    && v == null) v = s;
            if (s.path("codec_type").asString("").equals("audio")) audio = true;
        }
        if (v == null) throw new MediaRejected("The media has no video stream.");
        int w = v.path("width").asInt(0), h = v.path("height").asInt(0);
        if (w <= 0 || h <= 0) throw new MediaRejected("The video stream has no picture size.");
        if ((long) w * h > limits.maxPixels())
            throw new MediaRejected("The video is " + w + "x" + h + " pixels, more than the limit of " + limits.maxPixels() + ".");
        if (Math.abs(rotation(v)) % 180 == 90) {
            int t = w;
            w = h;
            h = t;
        }
        double seconds = seconds(probe.path("format").path("duration"), seconds(v.path("duration"), -1));
        long maxMs = limits.maxDurationMs();
        if (!gif && seconds * 1000 > maxMs + 500)
            throw new MediaRejected(String.format(Locale.ROOT, "The video is %.1f s long; at most %d s are allowed (its category's "
                    + "limit, or its upload grant's).", seconds, maxMs / 1000));
        if (gif) {
            int frames = v.path("nb_read_packets").asInt(0);
            if (frames > limits.maxGifFrames())
                throw new MediaRejected("The GIF has " + frames + " frames, more than the limit of " + limits.maxGifFrames() + ".");
        }
        return new Source(format, w, h, seconds, audio);
    }

    /**
     * One ffmpeg run for every rendition: the source decoded once, split, scaled to each rung of the ladder and encoded;
     * the outputs it will write are added to {@code outs}.
     */
    private List<String> encoding(Source src, String input, boolean gif, Limits limits, Path work, Path hls, List<Output> outs)
            throws IOException {
        int w = src.w(), h = src.h();
        boolean audio = src.audio();
        long maxMs = limits.maxDurationMs();
        String format = src.format();
        StringBuilder graph = new StringBuilder();
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist",
                Ffmpeg.PROTOCOLS,
                "-f", format, "-i", input));
        String enc = Ffmpeg.h264Encoder(ffmpeg.tools());
        List<int[]> rungs = gif ? List.<int[]>of(new int[]{Math.min(w, h), 0}) : rungs(Math.min(w, h));
        graph.append("[0:v:0]split=").append(rungs.size());
        for (int i = 0; i < rungs.size(); i++) graph.append("[s").append(i).append(']');
        long maxOut = 8L << 30;
        for (int i = 0; i < rungs.size(); i++) {
            int shortSide = even(rungs.get(i)[0]);
            int ow = w <= h ? shortSide : even((int) Math.round((double) w * shortSide / h));
            int oh = w <= h ? even((int) Math.round((double) h * shortSide / w)) : shortSide;
            // limited ("TV") range 4:2:0 whatever the source: full-range input (MJPEG, some phones) would otherwise be
            // served as yuvj420p, which players and X's clients do not expect
            graph.append(";[s").append(i).append("]scale=").append(ow).append(':').append(oh)
                    .append(":flags=bicubic:out_range=tv,format=yuv420p[v").append(i).append(']');
            String name = gif ? "mp4" : shortSide + "p";
            Path file = work.resolve(name + ".mp4");
            int rate = gif ? Math.max(500_000, Math.min(4_000_000, ow * oh * 4)) : rungs.get(i)[1];
            args.addAll(List.of("-map", "[v" + i + "]"));
            if (audio && !gif) args.addAll(List.of("-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2"));
            args.addAll(List.of("-c:v", enc, "-b:v", Integer.toString(rate), "-maxrate", Integer.toString(rate * 3 / 2), "-bufsize",
                    Integer.toString(rate * 2)));
            // a keyframe at every HLS segment boundary and nowhere else the player could need one: each segment starts
            // with an IDR frame (closed GOPs, no scene-cut keyframes in between), so every rendition switches and seeks
            // at the same instants
            args.addAll(List.of("-force_key_frames", "expr:gte(t,n_forced*" + HLS_SECONDS + ")"));
            if (enc.equals("libx264"))
                args.addAll(List.of("-preset", "veryfast", "-profile:v", "high", "-x264-params", "open-gop=0:scenecut=0:keyint=infinite"));
            args.addAll(List.of("-threads", Integer.toString(ffmpeg.limits().threads()), "-map_metadata", "-1", "-map_chapters", "-1",
                    "-t", Long.toString(maxMs / 1000 + 1), "-fs", Long.toString(maxOut)));
            if (gif) args.addAll(List.of("-movflags", "+faststart", "-y", file.toString()));
            else // the same encode written twice by the tee muxer: the progressive MP4 and its HLS rendition (MPEG-TS segments)
                // (paths relative to the run's directory, so no character of the data dir's path can upset the tee syntax)
                args.addAll(List.of("-flags", "+global_header", "-f", "tee", "[f=mp4:movflags=+faststart]" + work.relativize(file)
                        + "|[f=hls:hls_time=" + HLS_SECONDS + ":hls_playlist_type=vod:hls_segment_type=mpegts:hls_segment_filename="
                        + work.relativize(hls.resolve(HLS + "." + name + ".%d.ts")) + "]" + work.relativize(hls.resolve(HLS + "." + name
                                + ".m3u8"))));
            outs.add(new Output(name, file, "video/mp4", ow, oh, gif ? 0 : rate));
        }
        args.addAll(2, List.of("-filter_complex", graph.toString()));
        args.addAll(List.of("-progress", "pipe:1", "-nostats"));
        return args;
    }

    /** Name of the HLS master playlist variant; its renditions' playlists and segments are named {@code hls.<rendition>…}. */
    static final String HLS = "hls";
    static final int HLS_SECONDS = 6;

    /**
     * The HLS files the tee muxer wrote beside the MP4s — each rendition's media playlist and segments — plus a master
     * playlist listing the renditions by bandwidth. URIs inside the playlists are variant names; delivery turns them
     * into signed URLs.
     */
    private static List<Output> hls(List<Output> renditions, Path dir, boolean audio) throws IOException {
        List<Output> outs = new ArrayList<>();
        StringBuilder master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        for (Output r : renditions) {
            String playlist = HLS + "." + r.name();
            Path file = dir.resolve(playlist + ".m3u8");
            if (!Files.isRegularFile(file)) throw new IOException("the HLS playlist of " + r.name() + " was not written");
            try (var files = Files.list(dir)) {
                for (Path seg : files.filter(f -> f.getFileName().toString().matches(Pattern.quote(playlist)
                        + "\\.[0-9]+\\.ts")).sorted().toList())
                    outs.add(new Output(seg.getFileName().toString(), seg, "video/mp2t", null, null, null));
            }
            outs.add(new Output(playlist, file, "application/x-mpegURL", r.width(), r.height(), r.bitRate()));
            master.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(r.bitRate() * 3 / 2 + (audio ? 128_000 : 0)).append(",AVERAGE-BANDWIDTH=")
                    .append(r.bitRate() + (audio ? 128_000 : 0)).append(",RESOLUTION=").append(r.width()).append('x').append(r.height())
                    .append('\n').append(playlist).append('\n');
        }
        Path file = dir.resolve(HLS + ".m3u8");
        Files.writeString(file, master);
        outs.add(new Output(HLS, file, "application/x-mpegURL", null, null, null));
        return outs;
    }

    /**
     * The poster: the first frame, no larger than 1280 on its long side. A run of its own — a one-frame output inside
     * the transcoding run would end ffmpeg's progress clock at that frame.
     */
    private Output poster(String format, String input, int w, int h, long atMs, Path work) throws IOException {
        Path poster = work.resolve("poster.jpg");
        List<String> seek = atMs > 0 ? List.of("-ss", String.format(Locale.ROOT, "%d.%03d", atMs / 1000, atMs % 1000)) : List.of();
        List<String> args = new ArrayList<>(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist",
                Ffmpeg.PROTOCOLS));
        args.addAll(seek);
        args.addAll(List.of("-f", format, "-i", input, "-map", "0:v:0", "-vf",
                "scale=w='min(iw,1280)':h='min(ih,1280)':force_original_aspect_ratio=decrease",
                "-frames:v", "1", "-q:v", "3", "-map_metadata", "-1", "-update", "1", "-y", poster.toString()));
        Ffmpeg.Result r = ffmpeg.ffmpeg(args, work, ffmpeg.limits().timeoutSecs(), l -> { });
        ffmpeg.checkOpen();
        if (!r.ok() || !Files.isRegularFile(poster) || Files.size(poster) == 0)
            throw new MediaRejected("No poster frame could be decoded: " + lastLine(r.stderrTail()));
        int[] pd = fit(w, h, 1280);
        return new Output("poster", poster, "image/jpeg", pd[0], pd[1], null);
    }

    /** Up to three rungs no larger than the source; a source smaller than every rung keeps its own size. */
    static List<int[]> rungs(int shortSide) {
        List<int[]> out = new ArrayList<>();
        for (int[] r : LADDER) if (r[0] <= shortSide && out.size() < MAX_RENDITIONS) out.add(r);
        if (out.isEmpty()) out.add(new int[]{shortSide, 256_000});
        return out;
    }

    private static int even(int n) {
        return Math.max(2, n - (n & 1));
    }

    private static int[] fit(int w, int h, int box) {
        if (w <= box && h <= box) return new int[]{w, h};
        double f = Math.min((double) box / w, (double) box / h);
        return new int[]{(int) (w * f), (int) (h * f)};
    }

    private static int rotation(JsonNode stream) {
        for (JsonNode sd : stream.path("side_data_list")) if (sd.has("rotation")) return sd.path("rotation").asInt(0);
        return stream.path("tags").path("rotate").asInt(0);
    }

    private static double seconds(JsonNode n, double fallback) {
        try {
            double d = Double.parseDouble(n.asString(""));
            return Double.isFinite(d) && d > 0 ? d : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static String lastLine(String s) {
        String t = s.strip();
        int nl = t.lastIndexOf('\n');
        return (nl >= 0 ? t.substring(nl + 1) : t).replaceAll("\\s+", " ");
    }
}
