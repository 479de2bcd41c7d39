package dev.mediaup.config;

/**
 * Everything {@code serve} is told, one typed record per concern. Built by the CLI (flag, then MEDIAUP_* environment,
 * then config file, then the defaults beside each record) and checked once, here, before anything starts.
 */
public record ServeConfig(HttpConfig http, StorageConfig storage, LimitsConfig limits, ProcessingConfig processing, AuthConfig auth,
                          WebhooksConfig webhooks) {

    public static ServeConfig defaults() {
        return new ServeConfig(HttpConfig.defaults(), StorageConfig.defaults(), LimitsConfig.defaults(), ProcessingConfig.defaults(),
                AuthConfig.defaults(), WebhooksConfig.none());
    }

    /** This configuration, if it can work; otherwise {@link InvalidConfig} naming every bad value. */
    public ServeConfig validate() {
        Problems p = new Problems();
        http.validate(p);
        storage.validate(p);
        limits.validate(p);
        processing.validate(p);
        auth.validate(p);
        webhooks.validate(p);
        if (!p.found.isEmpty()) throw new InvalidConfig(p.found);
        return this;
    }
}
