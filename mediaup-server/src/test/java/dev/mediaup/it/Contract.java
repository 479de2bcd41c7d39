package dev.mediaup.it;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Every response to an operation of X's document, checked against it: its status must be declared (or
 * covered by {@code default}), its Content-Type one the status declares, and its body valid against that schema. Every
 * request a black-box test sends goes through {@link Api#send}, which calls this, so the whole suite — the protocol,
 * bad input, limits, access, v1.1 clients' v2 calls — is a contract test with zero violations allowed.
 * Paths that are mediaup's own (they share a prefix with X's templates) are listed in {@link #EXTENSIONS} and
 * documented in the served OpenAPI; they are not X's to judge.
 */
final class Contract {
    /** mediaup's own paths that X's templates would otherwise match (e.g. /2/media/mine as /2/media/{media_key}). */
    static final Set<String> EXTENSIONS = Set.of("/2/media/mine", "/2/openapi.json");

    private record Operation(String method, String template, Pattern pattern, JsonNode responses) {}

    private static final List<Operation> OPERATIONS = operations();
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
    /** How many responses were checked, so a run can show the harness was really on. */
    static final AtomicLong CHECKED = new AtomicLong();

    private Contract() {}

    private static List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        Api.spec().get("paths").properties().forEach(p -> p.getValue().properties().forEach(m -> {
            if (!m.getValue().has("responses")) return;
            String regex = Pattern.quote(p.getKey()).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            ops.add(new Operation(m.getKey().toUpperCase(), p.getKey(), Pattern.compile(regex), m.getValue().get("responses")));
        }));
        // a literal path wins over a template (/2/media/analytics is not /2/media/{media_key})
        ops.sort(Comparator.comparingInt(o -> o.template().chars().filter(c -> c == '{').count() > 0 ? 1 : 0));
        return ops;
    }

    /** What is wrong with this response to {@code method path} by X's document; empty when fine or not X's operation. */
    static List<String> violations(String method, String pathAndQuery, int status, String contentType, byte[] body) {
        String path = pathAndQuery.replaceFirst("[?#].*$", "");
        if (EXTENSIONS.contains(path)) return List.of();
        Operation op = OPERATIONS.stream().filter(o -> o.method().equals(method) && o.pattern().matcher(path).matches()).findFirst()
                .orElse(null);
        if (op == null) return List.of();
        CHECKED.incrementAndGet();
        String where = method + " " + op.template() + " → " + status;
        JsonNode response = op.responses().has(Integer.toString(status)) ? op.responses().get(Integer.toString(status))
                : status / 100 != 2 ? op.responses().get("default") : null;
        if (response == null) return List.of(where + ": the status is not one the operation declares");
        String type = contentType == null ? "" : contentType.replaceFirst(";.*$", "").trim();
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) return body.length == 0 ? List.of() : List.of(where + ": a body where none is declared");
        if (!content.has(type) && content.has("*/*")) type = "*/*"; // a route that serves any media type (our own document's)
        if (!content.has(type)) return List.of(where + ": Content-Type " + type + " is not one of " + content.propertyNames());
        String ref = content.get(type).path("schema").path("$ref").asString("");
        if (ref.isEmpty()) return List.of();
        JsonNode json;
        try {
            json = Api.JSON.readTree(body);
        } catch (RuntimeException e) {
            return List.of(where + ": the body is not JSON: " + e.getMessage());
        }
        if (documentedAccessProblem(status, type, json)) return List.of();
        List<Error> errors = SCHEMAS.computeIfAbsent(ref, Contract::schema).validate(json);
        return errors.stream().map(e -> where + ": " + e.getInstanceLocation() + " " + e.getMessage() + " in " + abbreviate(json)).toList();
    }

    /**
     * The one shape the document leaves out and docs/access.md documents: refusals of access and rate limits answer
     * {@code {"title","detail","type","status"}} at top level as X does — 401/403 and 429 with {@code type about:blank},
     * a spent quota with X's usage-capped type (problem+json, docs/access.md, "Errors").
     */
    static boolean documentedAccessProblem(int status, String type, JsonNode json) {
        if (!type.equals("application/problem+json") || !json.isObject()) return false;
        String t = json.path("type").asString("");
        boolean known = (status == 401 || status == 403 || status == 429) && t.equals("about:blank")
                || status == 429 && t.equals("https://api.x.com/2/problems/usage-capped");
        return known && json.path("title").isString() && json.path("detail").isString() && json.path("status").asInt() == status;
    }

    private static Schema schema(String ref) {
        ObjectNode root = (ObjectNode) Api.spec().deepCopy();
        root.put("$ref", ref);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root.toString());
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }
}
