package dev.mediaup.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Media ids and keys, recognised in one place: a malformed one is the client's mistake, an id beyond any is nobody's. */
class MediaIdTest {
    @Test
    void idsAreOneToNineteenDigitsAndThoseBeyondALongNameNoMedia() {
        assertThat(MediaId.parse("2126551669122662400")).contains(new MediaId(2126551669122662400L));
        assertThat(MediaId.wellFormed("")).isFalse();
        assertThat(MediaId.wellFormed("12a")).isFalse();
        assertThat(MediaId.wellFormed("-1")).isFalse();
        assertThat(MediaId.wellFormed("1".repeat(20))).isFalse();
        assertThat(MediaId.wellFormed("9999999999999999999")).isTrue();
        assertThat(MediaId.parse("9999999999999999999")).as("well-formed, beyond 2^63 - 1").isEmpty();
    }

    @Test
    void keysCarryTheirIdAndTheSameRule() {
        assertThat(MediaKey.parse("7_42")).contains(new MediaKey(7, 42));
        assertThat(MediaKey.parse("7_42").orElseThrow().toString()).isEqualTo("7_42");
        assertThat(MediaKey.wellFormed("7_9999999999999999999")).isTrue();
        assertThat(MediaKey.parse("7_9999999999999999999")).isEmpty();
        assertThat(MediaKey.parse("1234_1")).as("no family has a 4-digit number").isEmpty();
        assertThat(MediaKey.wellFormed("7-42")).isFalse();
        assertThat(BlobKeys.uploadIdOf(BlobKeys.variant(42, "orig"))).hasValue(42);
    }
}
