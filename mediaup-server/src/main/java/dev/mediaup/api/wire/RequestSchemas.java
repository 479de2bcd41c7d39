package dev.mediaup.api.wire;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.mediaup.core.Problems;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a JSON request body is checked, for every endpoint whose body the served OpenAPI document describes (X's own,
 * and mediaup's extensions): against that schema first — 400 naming the first violation — then read into a typed
 * record. One style, and the document a client reads is the one the server holds it to.
 */
public final class RequestSchemas {
    private final byte[] openapi;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    public RequestSchemas(byte[] openapi) {
        this.openapi = openapi;
    }

    /** Reads a small JSON body and checks it against the document's schema {@code component}. */
    public JsonNode valid(Context ctx, String component) {
        JsonNode body = Bodies.json(Bodies.small(ctx));
        List<Error> errors = schema(component).validate(body);
        if (!errors.isEmpty()) {
            Error e = errors.getFirst();
            String where = e.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
            throw Problems.schemaViolation(where.isEmpty() ? "body" : where,
                    e.getInstanceNode() == null ? null : e.getInstanceNode().toString(), e.getMessage());
        }
        return body;
    }

    private Schema schema(String component) {
        return schemas.computeIfAbsent(component, c -> {
            // the document's schemas alone, as definitions, read as what they are — OpenAPI 3.0 schema objects (nullable,
            // discriminator) — without our x- annotations: the rest of an OpenAPI document is not schema, and the
            // validator warned about each keyword it did not know the first time a body was checked
            ObjectNode defs = (ObjectNode) Wire.JSON.readTree(Wire.JSON.readTree(openapi).get("components").get("schemas").toString()
                    .replace("#/components/schemas/", "#/definitions/"));
            withoutExtensions(defs);
            ObjectNode root = Wire.JSON.createObjectNode();
            root.set("definitions", defs);
            root.put("$ref", "#/definitions/" + c);
            return SchemaRegistry.withDefaultDialect(OPENAPI_30).getSchema(root.toString());
        });
    }

    /** OpenAPI 3.0's schema dialect, plus the one keyword that holds the schemas a $ref points into. */
    private static final Dialect OPENAPI_30 = Dialect.builder(Dialects.getOpenApi30()).keyword(new NonValidationKeyword("definitions"))
            .build();

    /** Drops the document's "x-…" annotations everywhere in a schema (they are for readers, not for validation). */
    private static void withoutExtensions(JsonNode n) {
        if (n instanceof ObjectNode o) o.properties().removeIf(e -> e.getKey().startsWith("x-"));
        n.forEach(RequestSchemas::withoutExtensions);
    }
}
