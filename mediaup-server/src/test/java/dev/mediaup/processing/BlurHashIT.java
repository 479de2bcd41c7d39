package dev.mediaup.processing;

import dev.mediaup.it.ClientCompatIT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placeholders: the BlurHash of a picture is exactly what the reference encoder (woltapp's TypeScript, npm "blurhash",
 * pinned in compat/) makes of the same pixels, for pictures of every shape, with and without transparency.
 */
class BlurHashIT {
    @TempDir
    Path dir;

    @Test
    void everyPlaceholderIsTheReferenceEncodersHashOfTheSamePixels() throws Exception {
        Random r = new Random(32);
        List<BufferedImage> pictures = new ArrayList<>();
        pictures.add(gradient(640, 480, false));
        pictures.add(gradient(300, 500, false)); // portrait
        pictures.add(gradient(4000, 50, false)); // a panorama: one row of cells on the short side
        pictures.add(gradient(200, 200, true)); // half transparent: on white, as the JPEG sizes are
        pictures.add(gradient(1, 1, false));
        BufferedImage noise = new BufferedImage(97, 61, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < noise.getHeight(); y++)
            for (int x = 0; x < noise.getWidth(); x++) noise.setRGB(x, y, r.nextInt(1 << 24));
        pictures.add(noise);

        List<Images.Placeholder> placeholders = pictures.stream().map(Images::placeholder).toList();
        List<String> ours = pictures.stream().map(Images::blurhash).toList();
        assertThat(reference(placeholders)).containsExactlyElementsOf(ours);

        // 4 cosines along the longer side, 3 along the shorter; the first character says how many
        assertThat(ours.get(0).charAt(0)).as("4×3").isEqualTo(base83((4 - 1) + (3 - 1) * 9));
        assertThat(ours.get(1).charAt(0)).as("3×4").isEqualTo(base83((3 - 1) + (4 - 1) * 9));
        assertThat(ours.get(3).charAt(0)).as("square: 4×4").isEqualTo(base83((4 - 1) + (4 - 1) * 9));
        assertThat(placeholders.get(0).width()).as("at most 64 px across").isEqualTo(64);
        assertThat(placeholders.get(2).height()).as("never less than a pixel").isEqualTo(1);
        assertThat(ours.get(0)).hasSize(4 + 2 * 4 * 3);
        assertThat(ours.get(3)).as("transparency is on white, never black").isNotEqualTo(Images.blurhash(opaqueOnBlack(pictures.get(3))));
    }

    private List<String> reference(List<Images.Placeholder> placeholders) throws Exception {
        ClientCompatIT.installCompat();
        String json = placeholders.stream().map(p -> "{\"w\":" + p.width() + ",\"h\":" + p.height() + ",\"cx\":" + p.componentsX()
                + ",\"cy\":" + p.componentsY() + ",\"px\":[" + Arrays.stream(p.rgb()).mapToObj(v -> Integer.toString(v & 0xFFFFFF))
                .collect(Collectors.joining(",")) + "]}").collect(Collectors.joining(",", "[", "]"));
        Path in = Files.writeString(dir.resolve("pixels.json"), json, StandardCharsets.UTF_8);
        String out = ClientCompatIT.run(new ProcessBuilder("node", "blurhash.mjs").directory(ClientCompatIT.COMPAT.toFile())
                .redirectInput(in.toFile()), 60);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static char base83(int v) {
        return "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~".charAt(v);
    }

    private static BufferedImage gradient(int w, int h, boolean alpha) {
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int a = alpha && x < w / 2 ? 0 : 255;
                img.setRGB(x, y, a << 24 | (x * 255 / Math.max(1, w - 1)) << 16 | (y * 255 / Math.max(1, h - 1)) << 8 | 128);
            }
        return img;
    }

    private static BufferedImage opaqueOnBlack(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }
}
