package dev.mediaup.media;

import dev.mediaup.core.PictureProblems;
import dev.mediaup.core.Upload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Which frame a video's poster is, as its owner sets it: {@code x_poster_time_secs} in its metadata (a mediaup
 * extension), seconds from the start. Set before processing, the poster is taken there; set after, it is made again.
 */
public final class PosterTime {
    private PosterTime() {}

    public static final String MEMBER = "x_poster_time_secs";
    private static final Logger log = LoggerFactory.getLogger(PosterTime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The time in milliseconds: a number of seconds from 0 to a day (a video's end is checked where it is known). */
    static long parse(JsonNode n) {
        if (!n.isNumber() || !(n.asDouble() >= 0 && n.asDouble() <= 86_400)) throw PictureProblems.posterTime();
        return Math.round(n.asDouble() * 1000);
    }

    /** Where the owner wants the poster taken from, if anywhere. */
    public static OptionalLong of(Upload u) {
        if (u.metadataJson() == null) return OptionalLong.empty();
        JsonNode n = JSON.readTree(u.metadataJson()).get(MEMBER);
        return n == null || n.isNull() ? OptionalLong.empty() : OptionalLong.of(parse(n));
    }

    /** A succeeded video's poster made again from the frame its metadata names (the first one when it names none). */
    static void remake(Pictures pictures, Upload u) {
        try {
            pictures.poster(u, of(u).orElse(0));
        } catch (IOException | RuntimeException e) {
            // the time is recorded (so no 500 saying nothing changed); only the poster lags until it is set again
            log.warn("the poster of media {} could not be made again: {}", u.id(), e.toString());
        }
    }
}
