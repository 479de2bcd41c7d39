package dev.mediaup.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The house style a reviewer should not have to point out: lines of at most 140 characters, imports over qualified
 * names, and every import naming its class (a star import hides where a name comes from).
 */
class SourceStyleTest {
    private static final List<Path> ROOTS = List.of(Path.of("src/main/java"), Path.of("../mediaup-client/src/main/java"));
    /** The tests follow the same import rule. */
    private static final List<Path> WITH_TESTS = List.of(Path.of("src/main/java"), Path.of("src/test/java"),
            Path.of("../mediaup-client/src/main/java"));
    /** A qualified class name used in code (not in an import, a comment or a string). */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.\"])(?:java|javax|org|com|io|tools|software)\\.(?:[a-z0-9_]+\\.)+[A-Z]");

    static List<Path> sources() throws IOException {
        return sources(ROOTS);
    }

    static List<Path> sources(List<Path> roots) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path root : roots)
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(all::add);
            }
        return all;
    }

    @Test
    void linesAreAtMost140Characters() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path f : sources()) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++)
                if (lines.get(i).length() > 140) tooLong.add(f + ":" + (i + 1));
        }
        assertThat(tooLong).isEmpty();
    }

    @Test
    void codeImportsClassesInsteadOfQualifyingThem() throws IOException {
        List<String> qualified = new ArrayList<>();
        for (Path f : sources()) {
            List<String> lines = Files.readAllLines(f);
            boolean textBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i), t = l.strip();
                if ((l.length() - l.replace("\"\"\"", "").length()) / 3 % 2 == 1) textBlock = !textBlock;
                if (textBlock || t.startsWith("import ") || t.startsWith("package ") || t.startsWith("*") || t.startsWith("/*")
                        || t.startsWith("//")) continue;
                String code = l.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceFirst("//.*", "");
                if (QUALIFIED.matcher(code).find()) qualified.add(f + ":" + (i + 1) + ": " + t);
            }
        }
        assertThat(qualified).isEmpty();
    }

    @Test
    void importsNameTheirClasses() throws IOException {
        List<String> star = new ArrayList<>();
        for (Path f : sources(WITH_TESTS)) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++)
                if (lines.get(i).startsWith("import ") && lines.get(i).endsWith(".*;")) star.add(f + ":" + (i + 1));
        }
        assertThat(star).isEmpty();
    }
}
