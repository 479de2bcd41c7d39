package dev.mediaup.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.mediaup.config.AuthConfig;
import dev.mediaup.core.Credential;
import dev.mediaup.core.Principal;
import dev.mediaup.core.Problems;

import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * OAuth 2.0 access tokens that are JWTs from an external issuer (Nimbus JOSE+JWT): signature against the configured
 * JWKS (a URL, fetched, cached and refreshed by Nimbus, or a static key file), then issuer, audience and expiry.
 * The user id comes from a configurable claim, scopes from {@code scope} (space-separated) or {@code scp}.
 */
public final class Jwt implements TokenVerifier {

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String userClaim;
    /**
     * Tokens verified in the last minute: clients reuse one access token for many requests, and a signature check
     * costs more than the rest of an initialize. A cached token is still refused once its exp has passed.
     */
    private final Cache<String,
            JWTClaimsSet> verified = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

    public Jwt(AuthConfig.Jwt s) throws IOException, ParseException {
        JWKSource<SecurityContext> keys = s.jwksUrl() != null
                ? JWKSourceBuilder.create(URI.create(s.jwksUrl()).toURL()).retrying(true).build()
                : new ImmutableJWKSet<>(JWKSet.load(s.jwksFile().toFile()));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA), keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (s.issuer() != null) exact.issuer(s.issuer());
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(s.audience(), exact.build(), Set.of("exp", s.userClaim())));
        this.userClaim = s.userClaim();
    }

    @Override
    public Optional<Principal> verify(Request r) {
        String token = OpaqueTokens.bearer(r.authorization());
        if (token == null || token.chars().filter(c -> c == '.').count() != 2) return Optional.empty();
        JWTClaimsSet claims = verified.getIfPresent(token);
        if (claims == null || claims.getExpirationTime().getTime() <= System.currentTimeMillis()) {
            try {
                claims = processor.process(token, null);
            } catch (ParseException | BadJOSEException | JOSEException e) {
                throw Problems.tokenRefused(e.getMessage());
            }
            verified.put(token, claims);
        }
        Object user = claims.getClaim(userClaim);
        // an empty or blank user claim would make every such token one shared account ""
        if (!(user instanceof String || user instanceof Number) || String.valueOf(user).isBlank() || String.valueOf(user).length() > 128)
            throw Problems.tokenRefused("its " + userClaim + " claim names no user.");
        Set<String> scopes = new HashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String str) scopes.addAll(Arrays.asList(str.trim().split("\\s+")));
        Object scp = claims.getClaim("scp");
        if (scp instanceof String str) scopes.addAll(Arrays.asList(str.trim().split("\\s+")));
        if (scp instanceof Collection<?> c) c.forEach(x -> scopes.add(String.valueOf(x)));
        Long exp = claims.getExpirationTime() == null ? null : claims.getExpirationTime().getTime() / 1000;
        return Optional.of(new Principal(String.valueOf(user), Set.copyOf(scopes), null, Credential.jwt(exp)));
    }
}
