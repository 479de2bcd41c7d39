package dev.mediaup.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An S3-compatible bucket, parsed from
 * {@code s3://bucket[/prefix]?endpoint=http://host:port&region=us-east-1&path-style=true&access-key=…&secret-key=…}.
 * Without keys the AWS default chain (AWS_ACCESS_KEY_ID…, profiles, instance roles) supplies credentials.
 *
 * @param prefix   "" or a key prefix ending in "/"
 * @param endpoint null for AWS itself
 */
public record S3Url(String bucket, String prefix, String endpoint, String region, boolean pathStyle, String accessKey,
                    String secretKey) {

    public static S3Url parse(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--blobs is not a valid URL: " + url);
        }
        if (!"s3".equals(u.getScheme()) || u.getHost() == null)
            throw new IllegalArgumentException("--blobs must be an s3://bucket[/prefix]?endpoint=… URL "
                    + "(or absent: files in the data dir), not "
                    + url);
        Map<String, String> q = new HashMap<>();
        if (u.getRawQuery() != null)
            for (String kv : u.getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                q.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        String endpoint = q.get("endpoint");
        if (endpoint != null && !endpoint.matches("https?://.+"))
            throw new IllegalArgumentException("--blobs endpoint must be an http(s) URL, not " + endpoint);
        boolean pathStyle = Boolean.parseBoolean(q.getOrDefault("path-style", endpoint != null ? "true" : "false"));
        return new S3Url(u.getHost(), path.isEmpty() ? "" : path + "/", endpoint, q.getOrDefault("region", "us-east-1"), pathStyle,
                q.get("access-key"), q.containsKey("access-key") ? q.getOrDefault("secret-key", "") : null);
    }

    @Override
    public String toString() { // never the secret
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
