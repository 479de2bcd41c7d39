package dev.mediaup.api.wire;

import io.javalin.http.Context;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Structured header fields (RFC 9651) as the protocols mediaup speaks use them: Items (resumable uploads: a
 * non-negative Integer for Upload-Offset and Upload-Length, a Boolean for Upload-Complete, an Integer for
 * Upload-Draft-Interop-Version — anything else, another type, a malformed item, an Inner List, two items, makes the
 * field read as absent) and Dictionaries (RFC 9530's Repr-Digest: algorithm → Byte Sequence). Parameters are parsed
 * (so a malformed one spoils the field) and then ignored. Several field lines of one name are joined with commas first,
 * as RFC 9651 requires. No Java library for structured fields is on the Maven mirror this project builds from; what
 * is here is the Item and Dictionary grammar of RFC 9651 §4.2, nothing more.
 */
public final class StructuredFields {
    /** A Byte Sequence's bytes (what a Dictionary member or an Item holds when it is one). */
    public record Bytes(byte[] value) {}

    /** A Dictionary member that is an Inner List (its items are not kept: no field mediaup reads has one). */
    public record InnerList() {}

    /** RFC 9651: at most 15 digits. */
    private static final int MAX_DIGITS = 15;

    private StructuredFields() {}

    /** The field's lines, joined as one value; null when absent. */
    public static String joined(Context ctx, String name) {
        var lines = Collections.list(ctx.req().getHeaders(name));
        return lines.isEmpty() ? null : String.join(", ", lines);
    }

    /** A non-negative Integer Item; empty when absent or not that. */
    public static OptionalLong nonNegative(String value) {
        Object item = item(value);
        return item instanceof Long l && l >= 0 ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** A Boolean Item; empty when absent or not that. */
    public static Optional<Boolean> bool(String value) {
        return item(value) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /** The bare item of an Item field with its parameters parsed, or null when the value is not one valid Item. */
    public static Object item(String value) {
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

    /**
     * A Dictionary field's members in order, each a bare item ({@link Bytes}, Long, Double, String, Boolean, …) or an
     * {@link InnerList}, their parameters parsed and dropped; a key given twice keeps its last value (RFC 9651 §4.2.2).
     * Empty for an empty field; null when the value is not a valid Dictionary.
     */
    public static Map<String, Object> dictionary(String value) {
        if (value == null) return null;
        Parser p = new Parser(value.strip());
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            while (!p.atEnd()) {
                String key = p.key();
                Object member = Boolean.TRUE;
                if (!p.atEnd() && p.s.charAt(p.i) == '=') {
                    p.i++;
                    member = p.s.charAt(p.i) == '(' ? p.innerList() : p.bareItem();
                }
                p.parameters();
                out.put(key, member);
                p.spaces();
                if (p.atEnd()) return out;
                if (p.s.charAt(p.i++) != ',') return null;
                p.spaces();
                if (p.atEnd()) return null; // a trailing comma
            }
            return out;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
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

        private String key() {
            int start = i;
            char c = peek();
            if (!(c == '*' || (c >= 'a' && c <= 'z'))) throw new IllegalArgumentException("key");
            while (!atEnd() && (isLcKeyChar(s.charAt(i)))) i++;
            return s.substring(start, i);
        }

        /** Optional whitespace between members: spaces and tabs. */
        void spaces() {
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        }

        InnerList innerList() {
            i++; // (
            while (true) {
                while (!atEnd() && s.charAt(i) == ' ') i++;
                if (peek() == ')') {
                    i++;
                    parameters();
                    return new InnerList();
                }
                bareItem();
                parameters();
                char c = peek();
                if (c != ' ' && c != ')') throw new IllegalArgumentException("inner list");
            }
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

        private Bytes bytes() {
            int start = ++i;
            while (peek() != ':') {
                char c = s.charAt(i);
                if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) throw new IllegalArgumentException("bytes");
                i++;
            }
            String b64 = s.substring(start, i++);
            return new Bytes(Base64.getDecoder().decode(b64)); // IllegalArgumentException when not base64: not a Byte Sequence
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
