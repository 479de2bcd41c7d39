package dev.mediaup.store;

import java.util.List;

/**
 * Webhook events waiting to be delivered. The upload store queues them in the transaction that ends processing
 * (an outbox), so an event is never lost to a crash between the state change and the send.
 */
public interface WebhookOutbox {

    /** The URLs that get an event when media processing ends; set once at startup. */
    void targets(List<String> urls);

    record WebhookEvent(long mediaId, String event, String url, int attempts) {}

    /** Events due for (re)delivery, each claimed for {@code claimSecs} so other nodes leave it alone meanwhile. */
    List<WebhookEvent> claim(long now, long claimSecs, int limit);

    /** Done with (delivered, or given up: runAfter null), or to be tried again at {@code runAfter}. */
    void attempted(WebhookEvent e, long now, Long runAfter, String error);

    /** Forgets events done with before {@code before}. */
    void purge(long before);
}
