package dev.mediaup.config;

import java.util.List;

/** URLs that receive a signed POST when media processing succeeds or fails, and the HMAC key they verify it with. */
public record WebhooksConfig(List<String> urls, String secret) {

    public static WebhooksConfig none() {
        return new WebhooksConfig(List.of(), null);
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }

    void validate(Problems p) {
        p.check(urls.isEmpty() || (secret != null && !secret.isBlank()),
                "--webhook-url needs --webhook-secret (receivers verify the signature with it)");
        for (String u : urls) p.check(u.matches("https?://.+"), "--webhook-url must be http(s): " + u);
    }
}
