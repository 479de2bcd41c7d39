package dev.mediaup.api.wire;

import dev.mediaup.core.Problems;
import dev.mediaup.upload.UploadService.InitRequest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command form of an upload — {@code command=INIT|APPEND|FINALIZE|STATUS} with its parameters (from the query,
 * a form body or multipart fields), or no command at all: the one-shot upload. One decoder for both dialects that
 * speak it, X v2's {@code POST /2/media/upload} and v1.1's {@code upload.json}; what differs between them is data
 * ({@link Tolerance}), and how each renders the answer is its own.
 */
public final class CommandForm {
    private CommandForm() {}

    /** What a command-form request asks for. APPEND's media id is read when its body is, so only as text here. */
    public sealed interface Command {}

    public record Init(InitRequest request) implements Command {}

    public record Append(String mediaId) implements Command {}

    public record Finalize(long mediaId) implements Command {}

    public record Status(long mediaId) implements Command {}

    /** No command: the media is the body, uploaded in one request. */
    public record OneShot() implements Command {}

    /**
     * How INIT treats parameters it does not know: X v2 refuses them (400, naming the parameter); v1.1 ignored them
     * (twitter4j sends {@code include_entities} with every request), so its dialect does too.
     */
    public enum Tolerance { STRICT, LENIENT }

    public static Command decode(Map<String, String> params, Tolerance tolerance) {
        String command = params.get("command");
        if (command == null) return new OneShot();
        return switch (command) {
            case "INIT" -> new Init(Bodies.initFromParams(tolerance == Tolerance.STRICT ? params : known(params)));
            case "APPEND" -> new Append(params.get("media_id"));
            case "FINALIZE" -> new Finalize(Bodies.mediaId(params.get("media_id"), "media_id"));
            case "STATUS" -> new Status(Bodies.mediaId(params.get("media_id"), "media_id"));
            default -> throw Problems.unknownCommand(command);
        };
    }

    /** INIT's own parameters of {@code params}, the others dropped. */
    private static Map<String, String> known(Map<String, String> params) {
        Map<String, String> init = new LinkedHashMap<>();
        for (String k : Bodies.COMMAND_INIT_FIELDS) if (params.containsKey(k)) init.put(k, params.get(k));
        return init;
    }
}
