package dev.mediaup.api.resumable;

import io.javalin.http.Context;

import java.util.Collections;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The structured header fields of resumable uploads (RFC 9651), read as the draft says: each is an Item whose value
 * must be of one type (a non-negative Integer for Upload-Offset and Upload-Length, a Boolean for Upload-Complete, an
 * Integer for Upload-Draft-Interop-Version); anything else — another type, a malformed item, an Inner List, two
 * items — makes the whole field ignored, as if it were absent. Parameters are parsed (so a malformed one spoils the
 * field) and then ignored. Several field lines of one name are joined with commas first, as RFC 9651 requires, so two
 * lines are two items: ignored. No Java library for structured fields is on the Maven mirror this project builds
 * from; what is here is the Item grammar of RFC 9651 §4.2.3, nothing more.
 */
final class Fields {
    /** RFC 9651: at most 15 digits. */
    private static final int MAX_DIGITS = 15;

    private Fields() {}

    /** The field's lines, joined as one value; null when absent. */
    static String joined(Context ctx, String name) {
        var lines = Collections.list(ctx.req().getHeaders(name));
        return lines.isEmpty() ? null : String.join(", ", lines);
    }

    /** A non-negative Integer Item; empty when absent or not that. */
    static OptionalLong nonNegative(String value) {
        Object item = item(value);
        return item instanceof Long l && l >= 0 ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** A Boolean Item; empty when absent or not that. */
    static Optional<Boolean> bool(String value) {
        return item(value) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** The bare item of an Item field with its parameters parsed, or null when the value is not one valid Item. */
    static Object item(String value) {
        if (value == null) return null;
        Parser p = new Parser(value.strip());
        try {
            Object bare = p.bareItem();
            p.parameters();
            return p.atEnd() ? bare : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i == s.length();
        }

        private char peek() {
            if (atEnd()) throw new IllegalArgumentException("ended");
            return s.charAt(i);
        }

        Object bareItem() {
            char c = peek();
            if (c == '-' || isDigit(c)) return number();
            if (c == '"') return string();
            if (c == ':') return bytes();
            if (c == '?') return bool();
            if (c == '@') { // a Date: an Integer after '@'
                i++;
                if (!(number() instanceof Long)) throw new IllegalArgumentException("date");
                return new Object();
            }
            if (c == '%') { // a Display String
                i++;
                return string();
            }
            if (c == '*' || isAlpha(c)) return token();
            throw new IllegalArgumentException("bare item");
        }

        void parameters() {
            while (!atEnd() && s.charAt(i) == ';') {
                i++;
                while (!atEnd() && s.charAt(i) == ' ') i++;
                key();
                if (!atEnd() && s.charAt(i) == '=') {
                    i++;
                    bareItem();
                }
            }
        }

        private void key() {
            char c = peek();
            if (!(c == '*' || (c >= 'a' && c <= 'z'))) throw new IllegalArgumentException("key");
            while (!atEnd() && (isLcKeyChar(s.charAt(i)))) i++;
        }

        private Object number() {
            int start = i;
            if (s.charAt(i) == '-') i++;
            int digits = 0, dot = -1;
            while (!atEnd() && (isDigit(s.charAt(i)) || (s.charAt(i) == '.' && dot < 0))) {
                if (s.charAt(i) == '.') {
                    if (digits > 12) throw new IllegalArgumentException("decimal");
                    dot = i;
                } else digits++;
                i++;
            }
            if (digits == 0 || (dot < 0 && digits > MAX_DIGITS)) throw new IllegalArgumentException("number");
            if (dot >= 0) { // a Decimal: 1 to 3 fraction digits, at most 12 before the point
                int fraction = i - dot - 1;
                if (fraction < 1 || fraction > 3) throw new IllegalArgumentException("decimal");
                return Double.parseDouble(s.substring(start, i));
            }
            return Long.parseLong(s.substring(start, i));
        }

        private String string() {
            i++; // the opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') return out.toString();
                if (c == '\\') {
                    char next = peek();
                    if (next != '"' && next != '\\') throw new IllegalArgumentException("escape");
                    i++;
                    out.append(next);
                } else if (c < 0x20 || c > 0x7e) throw new IllegalArgumentException("string");
                else out.append(c);
            }
        }

        private Object bytes() {
            i++;
            while (peek() != ':') {
                char c = s.charAt(i);
                if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) throw new IllegalArgumentException("bytes");
                i++;
            }
            i++;
            return new Object();
        }

        private Boolean bool() {
            i++;
            char c = peek();
            i++;
            if (c == '1') return true;
            if (c == '0') return false;
            throw new IllegalArgumentException("boolean");
        }

        private String token() {
            int start = i;
            i++;
            while (!atEnd() && isTokenChar(s.charAt(i))) i++;
            return s.substring(start, i);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isAlpha(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static boolean isLcKeyChar(char c) {
            return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
        }

        /** tchar (RFC 9110) plus ':' and '/'. */
        private static boolean isTokenChar(char c) {
            return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
        }
    }
}
