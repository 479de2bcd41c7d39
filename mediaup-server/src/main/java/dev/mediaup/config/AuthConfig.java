package dev.mediaup.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Who may call: mediaup's own opaque tokens and OAuth 1.0a always; JWT access tokens of an external issuer when a JWKS
 * is configured.
 *
 * @param oauthWindow OAuth 1.0a timestamps must be within this of the server clock
 * @param console     how the web console signs people in with the JWT issuer (OAuth 2.0 authorization code + PKCE)
 */
public record AuthConfig(Jwt jwt, Duration oauthWindow, ConsoleSignIn console) {

    /** JWT access tokens signed by keys from {@code jwksUrl} or {@code jwksFile}; {@code userClaim} holds the user id. */
    public record Jwt(String jwksUrl, Path jwksFile, String issuer, String audience, String userClaim) {
        public boolean enabled() {
            return jwksUrl != null || jwksFile != null;
        }
    }

    /**
     * The console's "Sign in" with the issuer of the JWTs this server accepts: a public client (no secret) using the
     * authorization code flow with PKCE, so the browser gets an access token without a password or a token pasted.
     * Off when {@code authorizeUrl} is null.
     */
    public record ConsoleSignIn(String authorizeUrl, String tokenUrl, String clientId, String scopes) {
        public static final ConsoleSignIn OFF = new ConsoleSignIn(null, null, null, "media.write tweet.read users.read");

        public boolean enabled() {
            return authorizeUrl != null;
        }
    }

    public static AuthConfig defaults() {
        return new AuthConfig(new Jwt(null, null, null, null, "sub"), Duration.ofSeconds(300), ConsoleSignIn.OFF);
    }

    void validate(Problems p) {
        p.positive(oauthWindow, "--oauth-window-secs");
        p.check(jwt.jwksUrl() == null || jwt.jwksFile() == null, "give --jwt-jwks-url or --jwt-jwks-file, not both");
        p.check(jwt.jwksUrl() == null || jwt.jwksUrl().matches("https?://.+"), "--jwt-jwks-url must be an http(s) URL");
        p.check(jwt.userClaim() != null && !jwt.userClaim().isBlank(), "--jwt-user-claim must name a claim");
        boolean any = console.authorizeUrl() != null || console.tokenUrl() != null || console.clientId() != null;
        if (any) {
            p.check(console.enabled() && console.tokenUrl() != null && console.clientId() != null,
                    "console sign-in needs --console-authorize-url, --console-token-url and --console-client-id together");
            p.check(jwt.enabled(), "console sign-in needs the issuer's keys (--jwt-jwks-url or --jwt-jwks-file) to accept its tokens");
            for (String u : new String[] {console.authorizeUrl(), console.tokenUrl()})
                p.check(u == null || u.matches("https?://[^\\s#]+"), "console sign-in URLs must be http(s) URLs, not " + u);
        }
    }
}
