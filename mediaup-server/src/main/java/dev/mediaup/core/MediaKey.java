package dev.mediaup.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A media key as X writes it — the family's number, an underscore, the media id ({@code 7_2126551669122662400}) —
 * recognised and parsed in this one place. Its form is X's pattern ({@code ^([0-9]+)_([0-9]+)$}): what matches it is a
 * well-formed key (a lookup may then find nothing), what does not is a client's mistake.
 */
public record MediaKey(int prefix, long id) {
    private static final Pattern FORM = Pattern.compile("([0-9]+)_([0-9]+)");

    /** X's pattern, for error messages. */
    public static final String PATTERN = "^([0-9]+)_([0-9]+)$";

    public static boolean wellFormed(String s) {
        return s != null && FORM.matcher(s).matches();
    }

    /** The key's parts, or empty when it is not well-formed or its numbers are beyond any media's (then nothing has it). */
    public static Optional<MediaKey> parse(String s) {
        if (s == null) return Optional.empty();
        Matcher m = FORM.matcher(s);
        if (!m.matches() || m.group(1).length() > 3) return Optional.empty();
        return MediaId.parse(m.group(2)).map(id -> new MediaKey(Integer.parseInt(m.group(1)), id.value()));
    }

    @Override
    public String toString() {
        return prefix + "_" + id;
    }
}
