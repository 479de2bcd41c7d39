package dev.mediaup.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A media id as the wire carries it: 1 to 19 digits (X's ids are decimal strings of a 64-bit number). Recognised in
 * this one place: what does not have the form is a client's mistake (400); a well-formed id beyond 2^63 − 1 names
 * media nobody has (404), never a parse failure.
 */
public record MediaId(long value) {
    private static final Pattern FORM = Pattern.compile("[0-9]{1,19}");

    /** How errors describe the form. */
    public static final String RULE = "1 to 19 digits";

    public static boolean wellFormed(String s) {
        return s != null && FORM.matcher(s).matches();
    }

    /** The id, or empty when it is well-formed but beyond any id (check {@link #wellFormed} first). */
    public static Optional<MediaId> parse(String s) {
        if (!wellFormed(s)) return Optional.empty();
        try {
            return Optional.of(new MediaId(Long.parseLong(s)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
