package dev.mediaup.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL database, parsed from {@code postgresql://user:password@host:port/database?param=…} (also
 * {@code postgres://} or a {@code jdbc:postgresql:} URL): the JDBC URL, and user and password apart (null when the URL
 * has none), because JDBC does not take them in the authority.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl parse(String url) {
        if (url.startsWith("jdbc:postgresql:")) return new DatabaseUrl(url, null, null);
        if (!url.matches("postgres(ql)?://.+")) throw new IllegalArgumentException(
                "--db must be a postgresql:// URL (or absent: SQLite in the data dir), not " + url);
        URI u;
        try {
            u = URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--db is not a valid URL: " + redacted(url));
        }
        if (u.getHost() == null) throw new IllegalArgumentException("--db names no host: " + redacted(url));
        String user = null, password = null;
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
            if (up.length > 1) password = URLDecoder.decode(up[1], StandardCharsets.UTF_8);
        }
        String jdbc = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath()
                + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
        return new DatabaseUrl(jdbc, user, password);
    }

    /** The URL without its password, for messages and logs. */
    public static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//…@");
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " as " + user);
    }
}
