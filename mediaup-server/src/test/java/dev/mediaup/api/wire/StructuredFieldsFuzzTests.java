package dev.mediaup.api.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.fuzz.Fuzzing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structured fields of resumable uploads (RFC 9651 Items) as clients send them, well-formed or not: parsing never
 * throws and stays within the time budget, and what it accepts is what RFC 9651 accepts. {@code ./mvnw test} replays
 * the seeds; {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='StructuredFieldsFuzzTests#items'} fuzzes.
 */
class StructuredFieldsFuzzTests {
    @FuzzTest(maxDuration = "60s")
    void items(byte[] raw) throws Exception {
        String value = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        Fuzzing.bounded(() -> {
            StructuredFields.item(value);
            var n = StructuredFields.nonNegative(value);
            if (n.isPresent()) assertThat(n.getAsLong()).isBetween(0L, 999_999_999_999_999L);
            StructuredFields.bool(value);
        });
    }

    @Test
    void itemsAsRfc9651ReadsThem() {
        assertThat(StructuredFields.nonNegative("42")).hasValue(42);
        assertThat(StructuredFields.nonNegative(" 42 ")).as("surrounding spaces are not part of the item").hasValue(42);
        assertThat(StructuredFields.nonNegative("42;a=1;b")).as("parameters are parsed, then ignored").hasValue(42);
        assertThat(StructuredFields.nonNegative("999999999999999")).hasValue(999_999_999_999_999L);
        for (String bad : new String[] {"-1", "4.2", "1000000000000000", "42, 43", "42;A=1", "0x10", "", "?1", "\"42\"", "42 43"})
            assertThat(StructuredFields.nonNegative(bad)).as(bad).isEmpty();
        assertThat(StructuredFields.bool("?1")).contains(true);
        assertThat(StructuredFields.bool("?0;x")).contains(false);
        for (String bad : new String[] {"?2", "1", "true", "?", "?1, ?1", "?1;"})
            assertThat(StructuredFields.bool(bad)).as(bad).isEmpty();
        assertThat(StructuredFields.item("\"a\\\\b\"")).isEqualTo("a\\b");
        assertThat(StructuredFields.item("\"a\\x\"")).as("only \\\\ and \\\" escape").isNull();
    }

    @FuzzTest(maxDuration = "60s")
    void dictionaries(byte[] raw) throws Exception {
        String value = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        Fuzzing.bounded(() -> {
            StructuredFields.dictionary(value);
            try {
                String hex = ReprDigest.sha256(value);
                assertThat(hex).hasSize(64); // accepted: exactly a 32-byte sha-256
            } catch (dev.mediaup.core.Problem p) {
                assertThat(p.code).isEqualTo(dev.mediaup.core.ProblemCode.INVALID_REPR_DIGEST); // refused: always as itself
            }
        });
    }

    @Test
    void dictionariesAsRfc9651ReadsThem() {
        String sha = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        var d = StructuredFields.dictionary("sha-512=:YQ==:, sha-256=:" + sha + ":;p=1,flag, n=5, l=(1 \"a\");q");
        assertThat(d).containsOnlyKeys("sha-512", "sha-256", "flag", "n", "l");
        assertThat(((StructuredFields.Bytes) d.get("sha-512")).value()).containsExactly('a');
        assertThat(d.get("flag")).isEqualTo(true);
        assertThat(d.get("n")).isEqualTo(5L);
        assertThat(d.get("l")).isInstanceOf(StructuredFields.InnerList.class);
        assertThat(StructuredFields.dictionary("")).isEmpty();
        assertThat(StructuredFields.dictionary("a=1, a=2")).containsEntry("a", 2L); // the last one wins
        for (String bad : new String[] {"a=1,", "A=1", "a=:%%:", "a=1 b=2", "a=(1", ",a=1", "a==1", "a=1;", "a=1,,b=2"})
            assertThat(StructuredFields.dictionary(bad)).as(bad).isNull();
    }

    @Test
    void reprDigestTakesSha256AndRefusesWhatItCannotCheck() {
        String sha = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertThat(ReprDigest.sha256((String) null)).isNull();
        assertThat(ReprDigest.sha256("sha-256=:" + sha + ":")).isEqualTo(hex);
        assertThat(ReprDigest.sha256("sha-512=:YQ==:,  sha-256=:" + sha + ":")).as("others beside it are fine").isEqualTo(hex);
        for (String bad : new String[] {"", "sha-256", "sha-256=1", "md5=:YQ==:", "sha-256=:YQ==:", "sha-256=:" + sha + ":, X",
                "sha-256=:" + sha + ":" + ", a=1".repeat(250)}) {
            try {
                ReprDigest.sha256(bad);
                throw new AssertionError("accepted: " + bad);
            } catch (dev.mediaup.core.Problem p) {
                assertThat(p.code).as(bad).isEqualTo(dev.mediaup.core.ProblemCode.INVALID_REPR_DIGEST);
                assertThat(p.parameter).isEqualTo("Repr-Digest");
            }
        }
    }
}
