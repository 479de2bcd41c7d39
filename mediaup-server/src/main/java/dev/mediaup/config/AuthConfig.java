package dev.mediaup.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Who may call: mediaup's own opaque tokens and OAuth 1.0a always; JWT access tokens of an external issuer when a JWKS
 * is configured.
 *
 * @param oauthWindow OAuth 1.0a timestamps must be within this of the server clock
 */
public record AuthConfig(Jwt jwt, Duration oauthWindow) {

    /** JWT access tokens signed by keys from {@code jwksUrl} or {@code jwksFile}; {@code userClaim} holds the user id. */
    public record Jwt(String jwksUrl, Path jwksFile, String issuer, String audience, String userClaim) {
        public boolean enabled() {
            return jwksUrl != null || jwksFile != null;
        }
    }

    public static AuthConfig defaults() {
        return new AuthConfig(new Jwt(null, null, null, null, "sub"), Duration.ofSeconds(300));
    }

    void validate(Problems p) {
        p.positive(oauthWindow, "--oauth-window-secs");
        p.check(jwt.jwksUrl() == null || jwt.jwksFile() == null, "give --jwt-jwks-url or --jwt-jwks-file, not both");
        p.check(jwt.jwksUrl() == null || jwt.jwksUrl().matches("https?://.+"), "--jwt-jwks-url must be an http(s) URL");
        p.check(jwt.userClaim() != null && !jwt.userClaim().isBlank(), "--jwt-user-claim must name a claim");
    }
}
