import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * bin/dist's account of what a package bundles. Reads the CycloneDX SBOM the build made of the server jar's libraries,
 * adds the Java runtime jlink made (a component of its own: it is bundled too), writes the whole SBOM to
 * {@code out}, and prints every component grouped by licence for the LICENCES file. Run with the server jar on the
 * class path (it carries Jackson): {@code java -cp mediaup-server.jar packaging/Bundled.java BOM OUT RUNTIME_VERSION}.
 */
public class Bundled {
    public static void main(String[] args) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode bom = (ObjectNode) json.readTree(new File(args[0]));
        ObjectNode runtime = json.createObjectNode();
        runtime.put("type", "platform");
        runtime.put("group", "org.openjdk");
        runtime.put("name", "openjdk-runtime-jlink");
        runtime.put("version", args[2]);
        runtime.put("description", "Eclipse Temurin's OpenJDK, the modules mediaup uses, linked by jlink");
        runtime.putArray("licenses").addObject().put("expression", "GPL-2.0-only WITH Classpath-exception-2.0");
        runtime.put("bom-ref", "pkg:generic/openjdk@" + args[2]);
        ((ArrayNode) bom.get("components")).add(runtime);
        json.writerWithDefaultPrettyPrinter().writeValue(new File(args[1]), bom);

        TreeMap<String, List<String>> byLicence = new TreeMap<>();
        for (JsonNode c : bom.path("components")) {
            List<String> ids = new ArrayList<>();
            for (JsonNode l : c.path("licenses")) {
                JsonNode lic = l.path("license");
                String id = lic.path("id").asString(lic.path("name").asString(l.path("expression").asString("")));
                if (!id.isEmpty()) ids.add(id);
            }
            String key = ids.isEmpty() ? "(no licence declared in its POM)" : String.join(" OR ", ids);
            byLicence.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(c.path("group").asString() + ":" + c.path("name").asString() + ":" + c.path("version").asString());
        }
        byLicence.forEach((licence, components) -> {
            System.out.println(licence + ":");
            components.stream().sorted().forEach(x -> System.out.println("  " + x));
        });
    }
}
