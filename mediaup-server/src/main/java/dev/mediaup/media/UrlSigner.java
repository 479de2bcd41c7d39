package dev.mediaup.media;

import dev.mediaup.core.Transform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a delivery URL: HMAC-SHA256 over the media key, the variant — with the transform asked for with it,
 * so a signed URL cannot be re-sized by whoever holds it — and the expiry, under the cluster's one key.
 */
final class UrlSigner {
    private final byte[] key;

    UrlSigner(byte[] key) {
        this.key = key.clone();
    }

    String sign(String mediaKey, String variant, Transform t, long exp) {
        String covered = t == null || t.canonical().isEmpty() ? variant : variant + "?" + t.canonical();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal((mediaKey + "\n" + covered + "\n" + exp).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
