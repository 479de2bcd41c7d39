package dev.mediaup.core;

/**
 * The credential a request came with, as far as anything made with it must follow its fate: an upload grant lives no
 * longer than the token that made it. {@code id} is {@code token:<token id>}, {@code oauth1:<token>} or {@code jwt} (a
 * JWT is not revocable here; only its expiry binds); {@code expiresAt} in epoch seconds, null when it never expires.
 */
public record Credential(String id, Long expiresAt) {
    public static Credential token(String tokenId, Long expiresAt) {
        return new Credential("token:" + tokenId, expiresAt);
    }

    public static Credential oauth1(String token) {
        return new Credential("oauth1:" + token, null);
    }

    public static Credential jwt(Long expiresAt) {
        return new Credential("jwt", expiresAt);
    }

    public boolean expired(long now) {
        return expiresAt != null && expiresAt <= now;
    }
}
