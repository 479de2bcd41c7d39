package dev.mediaup.api.resumable;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.fuzz.Fuzzing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structured fields of resumable uploads (RFC 9651 Items) as clients send them, well-formed or not: parsing never
 * throws and stays within the time budget, and what it accepts is what RFC 9651 accepts. {@code ./mvnw test} replays
 * the seeds; {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='FieldsFuzzTests#items'} fuzzes.
 */
class FieldsFuzzTests {
    @FuzzTest(maxDuration = "60s")
    void items(byte[] raw) throws Exception {
        String value = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        Fuzzing.bounded(() -> {
            Fields.item(value);
            var n = Fields.nonNegative(value);
            if (n.isPresent()) assertThat(n.getAsLong()).isBetween(0L, 999_999_999_999_999L);
            Fields.bool(value);
        });
    }

    @Test
    void itemsAsRfc9651ReadsThem() {
        assertThat(Fields.nonNegative("42")).hasValue(42);
        assertThat(Fields.nonNegative(" 42 ")).as("surrounding spaces are not part of the item").hasValue(42);
        assertThat(Fields.nonNegative("42;a=1;b")).as("parameters are parsed, then ignored").hasValue(42);
        assertThat(Fields.nonNegative("999999999999999")).hasValue(999_999_999_999_999L);
        for (String bad : new String[] {"-1", "4.2", "1000000000000000", "42, 43", "42;A=1", "0x10", "", "?1", "\"42\"", "42 43"})
            assertThat(Fields.nonNegative(bad)).as(bad).isEmpty();
        assertThat(Fields.bool("?1")).contains(true);
        assertThat(Fields.bool("?0;x")).contains(false);
        for (String bad : new String[] {"?2", "1", "true", "?", "?1, ?1", "?1;"})
            assertThat(Fields.bool(bad)).as(bad).isEmpty();
        assertThat(Fields.item("\"a\\\\b\"")).isEqualTo("a\\b");
        assertThat(Fields.item("\"a\\x\"")).as("only \\\\ and \\\" escape").isNull();
    }
}
