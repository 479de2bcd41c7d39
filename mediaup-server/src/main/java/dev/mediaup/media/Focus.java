package dev.mediaup.media;

import dev.mediaup.core.FocalPoint;
import dev.mediaup.core.PictureProblems;
import dev.mediaup.core.Upload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Optional;

/** A picture's focal point as its owner sets it: a member of the media's metadata (a mediaup extension). */
public final class Focus {
    private Focus() {}

    /** The metadata member, and the media.fields name it is answered as. */
    public static final String MEMBER = "x_focus";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A focal point as metadata gives it: exactly {@code x} and {@code y}, numbers from -1 to 1; a 400 otherwise. */
    static FocalPoint parse(JsonNode n) {
        if (!n.isObject() || n.size() != 2 || !n.path("x").isNumber() || !n.path("y").isNumber()) throw PictureProblems.focalPoint();
        return new FocalPoint(n.get("x").asDouble(), n.get("y").asDouble());
    }

    private static final Logger log = LoggerFactory.getLogger(Focus.class);

    /** The thumb of succeeded media cut again around its focal point (the centre when it has none). */
    static void recrop(Pictures pictures, Upload u) {
        try {
            pictures.recrop(u, of(u).orElse(FocalPoint.CENTRE));
        } catch (IOException | RuntimeException e) {
            // the focal point is recorded (so no 500 saying nothing changed); only the thumb lags until it is set again
            log.warn("the thumb of media {} could not be cut again: {}", u.id(), e.toString());
        }
    }

    /** Media's focal point, where its owner set one. */
    public static Optional<FocalPoint> of(Upload u) {
        if (u.metadataJson() == null) return Optional.empty();
        JsonNode n = JSON.readTree(u.metadataJson()).get(MEMBER);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(parse(n));
    }
}
