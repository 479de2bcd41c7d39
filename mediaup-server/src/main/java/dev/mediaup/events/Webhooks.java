package dev.mediaup.events;

import dev.mediaup.core.Failpoint;
import dev.mediaup.core.Upload;
import dev.mediaup.store.UploadReads;
import dev.mediaup.store.WebhookOutbox.WebhookEvent;
import dev.mediaup.store.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers the webhook outbox: each event row (written in the transaction that ended processing) is POSTed to its
 * URL until the URL answers 2xx, with exponential backoff, so delivery is at least once across crashes and restarts.
 * Receivers verify {@code X-Mediaup-Signature: sha256=HEX}, an HMAC-SHA256 with the shared secret over
 * {@code timestamp + "." + body} (the timestamp is {@code X-Mediaup-Timestamp}), and de-duplicate by
 * {@code X-Mediaup-Delivery}.
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_ATTEMPTS = 20; // backoff doubles from 5 s to an hour: about a day of trying
    private static final long CLAIM_SECS = 60;

    private final WebhookOutbox outbox;
    private final UploadReads reads;
    private final byte[] secret;
    private final LongSupplier clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final ScheduledExecutorService loop =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("mediaup-webhooks").factory());

    public Webhooks(WebhookOutbox outbox, UploadReads reads, String secret, LongSupplier epochSeconds) {
        this.outbox = outbox;
        this.reads = reads;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = epochSeconds;
        loop.scheduleWithFixedDelay(this::deliverDue, 1, 1, TimeUnit.SECONDS);
    }

    private void deliverDue() {
        try {
            List<WebhookEvent> due = outbox.claim(clock.getAsLong(), CLAIM_SECS, 32);
            due.parallelStream().forEach(this::deliver);
        } catch (RuntimeException e) {
            log.warn("webhook delivery round failed: {}", e.toString());
        }
    }

    private void deliver(WebhookEvent e) {
        long now = clock.getAsLong();
        String body = payload(e, now);
        String error;
        Failpoint.WEBHOOK_BEFORE_SEND.hit();
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(e.url())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("User-Agent", "mediaup-webhooks")
                    .header("X-Mediaup-Event", "media." + e.event()).header("X-Mediaup-Delivery", e.mediaId() + "." + e.event())
                    .header("X-Mediaup-Timestamp", Long.toString(now)).header("X-Mediaup-Signature", "sha256=" + sign(now + "." + body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
                Failpoint.WEBHOOK_AFTER_SEND.hit();
                outbox.attempted(e, now, null, null);
                return;
            }
            error = "HTTP " + r.statusCode();
        } catch (IOException | IllegalArgumentException ex) {
            error = ex.toString();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return; // shutting down: the claim runs out and the event is sent later
        }
        boolean giveUp = e.attempts() + 1 >= MAX_ATTEMPTS;
        long backoff = Math.min(3600, 5L << Math.min(20, e.attempts()));
        if (giveUp) log.warn("webhook {} for media {} given up after {} attempts: {}", e.url(), e.mediaId(), MAX_ATTEMPTS, error);
        outbox.attempted(e, now, giveUp ? null : now + backoff, error.length() > 900 ? error.substring(0, 900) : error);
    }

    /** The event, with what the media is now (it may have been deleted since: then only its ids). */
    private String payload(WebhookEvent e, long now) {
        Upload u = reads.find(e.mediaId()).orElse(null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", Long.toString(e.mediaId()));
        if (u != null) {
            data.put("media_key", u.mediaKey());
            data.put("type", u.wireType());
            data.put("owner_id", u.ownerId());
            if (u.grantId() != null) data.put("grant_id", u.grantId()); // the backend that granted the upload finds it by this
            Map<String, Object> pi = new LinkedHashMap<>();
            pi.put("state", u.state().wire()); // (a rejected media's state is failed)
            if (u.failure() != null) pi.put("error", Map.of("code", u.failure().code(), "name", u.failure().name(), "message",
                    u.failure().message()));
            data.put("processing_info", pi);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "media." + e.event());
        body.put("sent_at", now);
        body.put("data", data);
        return JSON.writeValueAsString(body);
    }

    private String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        http.shutdownNow();
    }
}
