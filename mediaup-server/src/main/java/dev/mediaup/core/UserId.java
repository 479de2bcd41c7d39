package dev.mediaup.core;

import java.util.regex.Pattern;

/**
 * What a user id is, everywhere one enters (tokens made by the CLI or the admin API, additional_owners, grants): X's
 * form, 1 to 19 decimal digits, written canonically — no leading zero, so "0111" is never a second name for "111",
 * and nothing that could act as a path ("../111") or a name.
 */
public final class UserId {
    /** The rule, in words, for error messages. */
    public static final String RULE = "1 to 19 digits, without a leading zero";
    private static final Pattern FORM = Pattern.compile("[1-9][0-9]{0,18}");

    private UserId() {}

    public static boolean valid(String id) {
        return id != null && FORM.matcher(id).matches();
    }
}
