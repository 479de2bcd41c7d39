package dev.mediaup.cli;

import dev.mediaup.client.Media;
import dev.mediaup.client.MediaClient;
import dev.mediaup.client.MediaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.mediaup.cli.Main.printJson;

/** The client commands (upload, media get/status): mediaup's Java client against any server speaking the X protocol. */
final class ClientCommands {
    private ClientCommands() {}

    /** Options of the client commands: where the server is and who is asking. */
    static class ClientOptions {
        @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8080",
                description = "The server (mediaup, or https://api.x.com). Default: ${DEFAULT-VALUE}.")
        String baseUrl;
        @Option(names = "--token", description = "Bearer token (or MEDIAUP_TOKEN).")
        String token;
        @Option(names = "--config", description = "Properties file with options as keys.")
        Path config;
        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        MediaClient.Builder client() {
            if (token == null) throw new CommandLine.ParameterException(new CommandLine(this), "give --token (or MEDIAUP_TOKEN)");
            return MediaClient.builder().baseUrl(baseUrl).bearerToken(token);
        }

        void print(Media m) {
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>(); // X's snake_case, like the API
                out.put("id", m.id());
                out.put("media_key", m.mediaKey());
                out.put("size", m.size());
                out.put("state", m.state());
                if (m.width() != null) out.put("image", Map.of("w", m.width(), "h", m.height(), "image_type", m.imageType()));
                if (m.videoType() != null) out.put("video", Map.of("video_type", m.videoType()));
                if (m.errorName() != null) out.put("error", Map.of("name", m.errorName(), "message", m.errorMessage()));
                printJson(out);
            }
            else System.out.println(m.mediaKey() + " " + m.id() + " " + m.size() + " bytes " + m.state()
                    + (m.errorMessage() == null ? "" : ": " + m.errorMessage()));
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Upload a file (resumable HTTP or parallel segments, retries, progress); resume with --resume ID.")
    static final class UploadCmd extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "The file.")
        Path file;
        @Option(names = "--category",
                description = "media_category (default from the type: tweet_image, tweet_gif, tweet_video, subtitles).")
        String category;
        @Option(names = "--type", description = "media_type (default from the file name).")
        String type;
        @Option(names = "--parallel", defaultValue = "4", description = "Segments in flight.")
        int parallel;
        @Option(names = "--segment-size", defaultValue = "4194304", description = "Segment size in bytes.")
        long segmentSize;
        @Option(names = "--alt-text", description = "Alt text to attach once uploaded.")
        String altText;
        @Option(names = "--resume", description = "Upload id to finish: only the segments the server lacks are sent.")
        String resume;
        @Option(names = "--protocol", defaultValue = "auto", description = "auto (resumable HTTP where the server offers it, "
                + "else X's segments), segments (X's INIT/APPEND/FINALIZE in parallel) or rufh (resumable HTTP, the IETF draft).")
        String protocol;

        @Override
        public Integer call() {
            MediaClient.Builder builder = client();
            String unreachable = unreachable(baseUrl);
            if (unreachable != null) { // at once, naming where and why (the client's retries are for servers that went away)
                System.err.println("mediaup: cannot reach " + baseUrl + ": " + unreachable + ". Is the server running (bin/mediaup "
                        + "serve), and is --base-url right?");
                return 1;
            }
            MediaClient.Protocol how = switch (protocol) {
                case "auto" -> MediaClient.Protocol.AUTO;
                case "segments" -> MediaClient.Protocol.SEGMENTS;
                case "rufh", "resumable" -> MediaClient.Protocol.RESUMABLE;
                default -> throw new CommandLine.ParameterException(new CommandLine(this), "--protocol is auto, segments or rufh, not "
                        + protocol);
            };
            MediaClient client = builder.parallelism(parallel).segmentSize(segmentSize).protocol(how).build();
            String mediaType = type;
            String cat = category != null ? category : mediaType == null ? defaultCategory(file.getFileName().toString())
                    : defaultCategory("x." + mediaType.replace('/', '.'));
            var upload = client.newUpload(file, resume == null ? cat : null).progress(new Bar());
            if (mediaType != null) upload.mediaType(mediaType);
            if (resume != null) upload.resume(resume);
            try {
                Media m = upload.start().join();
                System.err.println();
                if (altText != null) client.setAltText(m.id(), altText);
                print(m);
                return m.succeeded() ? 0 : 2;
            } catch (MediaException e) {
                System.err.println();
                System.err.println("upload failed" + (upload.id() == null ? "" : " (resume with --resume " + upload.id() + ")") + ": "
                        + e.getMessage());
                return 1;
            }
        }

        /** Why a TCP connection to the server cannot be opened (within 5 s), or null when it can. */
        static String unreachable(String baseUrl) {
            URI u;
            try {
                u = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                return "it is not a URL (" + e.getMessage() + ")";
            }
            if (u.getHost() == null) return "it names no host";
            int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), 5_000);
                return null;
            } catch (UnknownHostException e) {
                return "unknown host " + u.getHost();
            } catch (IOException e) {
                return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(Locale.ROOT);
            }
        }

        static String defaultCategory(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".gif")) return "tweet_gif";
            if (n.matches(".*\\.(mp4|m4v|mov|webm|ts|quicktime|mp2t)$")) return "tweet_video";
            if (n.matches(".*\\.(srt|vtt)$")) return "subtitles";
            return "tweet_image";
        }

        /** bytes, rate and ETA on one terminal line, then the processing percentage. */
        static final class Bar implements MediaClient.ProgressListener {
            private final long t0 = System.nanoTime();

            @Override
            public synchronized void bytesSent(long sent, long total) {
                if (sent <= 0) return; // no bar before a byte was acknowledged
                double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9), rate = sent / secs;
                int pct = total == 0 ? 100 : (int) (sent * 100 / total);
                String bar = "#".repeat(pct / 5) + "-".repeat(20 - pct / 5);
                System.err.printf("\r[%s] %3d%% %.1f/%.1f MiB %.1f MiB/s ETA %ds   ", bar, pct, sent / 1048576.0, total / 1048576.0,
                        rate / 1048576, (long) ((total - sent) / Math.max(1, rate)));
            }

            @Override
            public synchronized void processing(int percent) {
                System.err.printf("\rprocessing %3d%%                                                  ", percent);
            }
        }
    }

    @Command(name = "media", mixinStandardHelpOptions = true, description = "Look at media.", subcommands = {MediaGet.class,
            MediaStatus.class})
    static final class MediaCmd extends Group {
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "The Media object of a media_key, as JSON.")
    static final class MediaGet extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "media_key")
        String key;

        @Override
        public Integer call() {
            printJson(client().build().lookup(key, "media_key", "type", "url", "width", "height", "duration_ms", "alt_text", "variants"));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "STATUS of an upload id.")
    static final class MediaStatus extends ClientOptions implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "upload (media) id")
        String id;

        @Override
        public Integer call() {
            print(client().build().status(id));
            return 0;
        }
    }

}
