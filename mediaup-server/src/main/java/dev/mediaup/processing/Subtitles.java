package dev.mediaup.processing;

import dev.mediaup.core.MediaRejected;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SRT and WebVTT: parsed whole, checked (UTF-8, well-formed cues, end after start, cues in time order) and rewritten
 * as one normalized WebVTT file. The two formats are simple enough that a strict reader is shorter than adapting a
 * library, and strictness is the point: an error names the line.
 */
final class Subtitles {
    static final int MAX_BYTES = 10 << 20;
    private static final Pattern TIMING = Pattern.compile(
            "^(?:(\\d{1,3}):)?(\\d{2}):(\\d{2})[,.](\\d{3})\\s+-->\\s+(?:(\\d{1,3}):)?(\\d{2}):(\\d{2})[,.](\\d{3})(\\s+.*)?$");

    private Subtitles() {}

    /** The normalized WebVTT text of an SRT ({@code vtt} false) or WebVTT file, or MediaRejected saying what is wrong. */
    static String toWebVtt(byte[] bytes, boolean vtt) {
        if (bytes.length > MAX_BYTES) throw new MediaRejected("Subtitles may be at most " + MAX_BYTES + " bytes.");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MediaRejected("Subtitles must be UTF-8 text.");
        }
        if (text.indexOf('\0') >= 0) throw new MediaRejected("Subtitles must be text, not binary data.");
        String[] lines = text.replace("\uFEFF", "").replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        StringBuilder out = new StringBuilder("WEBVTT\n");
        int i = 0, cues = 0;
        long lastStart = -1;
        if (vtt) {
            if (lines.length == 0
                    || !lines[0].matches("WEBVTT([ \t].*)?")) throw new MediaRejected("Line 1: a WebVTT file must start with WEBVTT.");
            i = 1;
            while (i < lines.length && !lines[i].isBlank()) i++; // header lines
        }
        while (i < lines.length) {
            if (lines[i].isBlank()) {
                i++;
                continue;
            }
            int blockStart = i;
            if (vtt && (lines[i].startsWith("NOTE") || lines[i].equals("STYLE") || lines[i].equals("REGION"))) {
                boolean keep = !lines[i].startsWith("NOTE");
                if (keep && cues > 0) throw new MediaRejected("Line " + (i + 1) + ": " + lines[i]
                        + " blocks must come before the first cue.");
                StringBuilder block = new StringBuilder();
                while (i < lines.length && !lines[i].isBlank()) block.append(lines[i++]).append('\n');
                if (keep) out.append('\n').append(block);
                continue;
            }
            // optional cue identifier (SRT: the cue number)
            if (!lines[i].contains("-->")) {
                if (!vtt && !lines[i].strip().matches("\\d+")) throw new MediaRejected("Line " + (i + 1)
                        + ": expected a cue number, found \"" + clip(lines[i]) + "\".");
                i++;
            }
            if (i >= lines.length || lines[i].isBlank())
                throw new MediaRejected("Line " + (blockStart + 1) + ": a cue without a timing line.");
            Matcher m = TIMING.matcher(lines[i].strip());
            if (!m.matches()) throw new MediaRejected("Line " + (i + 1) + ": bad cue timing \"" + clip(lines[i]) + "\".");
            long start = millis(m, 1, i), end = millis(m, 5, i);
            if (end <= start) throw new MediaRejected("Line " + (i + 1) + ": the cue ends before it starts.");
            if (start < lastStart) throw new MediaRejected("Line " + (i + 1) + ": cues are out of time order.");
            lastStart = start;
            String settings = vtt && m.group(9) != null ? " " + m.group(9).strip() : "";
            out.append('\n').append(stamp(start)).append(" --> ").append(stamp(end)).append(settings).append('\n');
            i++;
            while (i < lines.length && !lines[i].isBlank()) out.append(lines[i++].replace("-->", "--&gt;")).append('\n');
            cues++;
        }
        if (cues == 0) throw new MediaRejected("The subtitles contain no cues.");
        return out.toString();
    }

    private static long millis(Matcher m, int g, int line) {
        long h = m.group(g) == null ? 0 : Long.parseLong(m.group(g));
        long min = Long.parseLong(m.group(g + 1)), s = Long.parseLong(m.group(g + 2)), ms = Long.parseLong(m.group(g + 3));
        if (min > 59 || s > 59) throw new MediaRejected("Line " + (line + 1) + ": minutes and seconds must be below 60.");
        return ((h * 60 + min) * 60 + s) * 1000 + ms;
    }

    private static String stamp(long ms) {
        return String.format("%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
