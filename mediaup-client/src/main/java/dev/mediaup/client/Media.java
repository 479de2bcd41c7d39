package dev.mediaup.client;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * An uploaded media as the upload endpoints describe it: ids, size, and the processing outcome.
 * {@code state} is "succeeded" or "failed" once processing ended (images succeed at once).
 */
public record Media(String id, String mediaKey, long size, String state, Integer width, Integer height, String imageType,
                    String videoType, String errorName, String errorMessage) {

    @SuppressWarnings("unchecked")
    static Media from(Map<String, Object> data) {
        Map<String, Object> pi = (Map<String, Object>) data.get("processing_info");
        Map<String, Object> image = (Map<String, Object>) data.get("image");
        Map<String, Object> video = (Map<String, Object>) data.get("video");
        Map<String, Object> error = pi == null ? null : (Map<String, Object>) pi.get("error");
        return new Media((String) data.get("id"), (String) data.get("media_key"), num(data.get("size")),
                pi == null ? "succeeded" : (String) pi.get("state"),
                image == null ? null : (int) num(image.get("w")), image == null ? null : (int) num(image.get("h")),
                image == null ? null : (String) image.get("image_type"), video == null ? null : (String) video.get("video_type"),
                error == null ? null : (String) error.get("name"), error == null ? null : (String) error.get("message"));
    }

    static long num(Object o) {
        return o instanceof Number n ? n.longValue() : o == null ? 0 : Long.parseLong(o.toString());
    }

    public boolean succeeded() { return "succeeded".equals(state); }

    /** The media type a file's name suggests (the server sniffs the bytes anyway). */
    static String guessType(Path file) {
        if (file == null) throw new IllegalArgumentException("a stream needs its media type: set it with mediaType()");
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "bmp" -> "image/bmp";
            case "tif", "tiff" -> "image/tiff";
            case "mp4", "m4v" -> "video/mp4";
            case "mov" -> "video/quicktime";
            case "webm" -> "video/webm";
            case "ts" -> "video/mp2t";
            case "srt" -> "text/srt";
            case "vtt" -> "text/vtt";
            case "glb" -> "model/gltf-binary";
            case "usdz" -> "model/vnd.usdz+zip";
            default -> throw new IllegalArgumentException("cannot tell the media type of " + n + "; set it with mediaType()");
        };
    }
}
