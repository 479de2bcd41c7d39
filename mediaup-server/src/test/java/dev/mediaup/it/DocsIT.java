package dev.mediaup.it;

import dev.mediaup.it.Api.Res;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API docs at /docs: Swagger UI from its webjar over the served OpenAPI, behind a strict
 * Content-Security-Policy, in Debian's Chromium — every operation listed, no console error, and "Try it out" calling
 * this server with the token given on the page.
 */
class DocsIT {
    @TempDir
    Path dir;

    @Test
    void swaggerUiListsTheApiAndTryItOutCallsThisServer() throws Exception {
        ClientCompatIT.installCompat();
        try (ServerProcess server = new ServerProcess(dir.resolve("data")).start()) {
            Api anon = new Api(server.baseUrl(), null);
            Res page = anon.get("/docs/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            String csp = page.raw().headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-eval");
            assertThat(page.text()).doesNotContain("<script>").as("no inline script");
            assertThat(anon.get("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js").status()).isEqualTo(200);
            assertThat(anon.get("/docs").contentType()).as("without the slash too").startsWith("text/html");
            Res lib = anon.get("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js");
            assertThat(lib.contentType()).startsWith("text/javascript");
            assertThat(lib.raw().headers().firstValue("Cache-Control").orElse("")).as("versioned: cached for good").contains("immutable");
            // served from the jar by name: a directory, a climb out or a name that is not there is refused (a climb
            // out of the root, Jetty already refuses as an ambiguous path: 400)
            for (String path : List.of("/webjars/swagger-ui/5.34.1", "/webjars/swagger-ui/5.34.1/", "/docs/%2e%2e/web/docs/index.html",
                    "/console/..%2fdocs/index.html", "/docs/nothing.js", "/webjars/../../META-INF/MANIFEST.MF"))
                assertThat(anon.get(path).status()).as(path).isIn(400, 404);

            String token = server.createToken("9700", "media.write tweet.read");
            String out = ClientCompatIT.run(ClientCompatIT.COMPAT, 120, "node", "docs-try.mjs", server.baseUrl(), token,
                    "operations-Media-listUploadGrants");
            JsonNode r = Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
            assertThat(r.get("errors")).as(out).isEmpty();
            assertThat(r.get("operations").asInt()).as("every path of the served document").isGreaterThanOrEqualTo(18);
            assertThat(r.get("status").asString()).as("Try it out, with the page's token").isEqualTo("200");
        }
    }
}
