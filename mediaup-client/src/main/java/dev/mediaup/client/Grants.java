package dev.mediaup.client;

import tools.jackson.jr.ob.JSON;

import java.util.List;
import java.util.Map;

import static dev.mediaup.client.Transport.data;
import static dev.mediaup.client.Transport.parse;

/** Creating, reading, listing and revoking upload grants (mediaup extension; needs a user token with media.write). */
public final class Grants {
    private static final JSON JSON_ = JSON.std;
    private final Transport transport;

    Grants(Transport transport) {
        this.transport = transport;
    }

    /** A new grant; its {@link Grant#token()} is what the browser or app presents as its bearer token. */
    public Grant create(Grant.Request request) {
        return Grant.from(data(transport.call("POST", "/2/media/upload/grants", "application/json", JSON_.asBytes(request.body))));
    }

    public Grant get(String id) {
        return Grant.from(data(transport.call("GET", "/2/media/upload/grants/" + id, null, null)));
    }

    @SuppressWarnings("unchecked")
    public List<Grant> list() {
        Object all = parse(transport.call("GET", "/2/media/upload/grants", null, null)).get("data");
        return all instanceof List<?> l ? l.stream().map(g -> Grant.from((Map<String, Object>) g)).toList() : List.of();
    }

    /** Its token stops working at once; uploads it started stay. */
    public void revoke(String id) {
        transport.call("DELETE", "/2/media/upload/grants/" + id, null, null);
    }
}
