package dev.mediaup.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The stable error names: each documented for clients, each made somewhere, each rendered as its own name. */
class ProblemCodesTest {
    @Test
    void everyCodeIsDocumentedAndNoDocumentedCodeIsMadeUp() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "errors.md"));
        Set<String> documented = new HashSet<>();
        var m = Pattern.compile("^\\| `([a-z_0-9]+)` \\| [0-9]", Pattern.MULTILINE).matcher(doc);
        while (m.find()) documented.add(m.group(1));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(Arrays.stream(ProblemCode.values()).map(ProblemCode::wire).toList());
    }

    @Test
    void factoriesNameTheirErrors() {
        assertThat(UploadProblems.segmentTooLarge(10).code.wire()).isEqualTo("segment_too_large");
        assertThat(Problems.required("media").code).isEqualTo(ProblemCode.MISSING_PARAMETER);
        assertThat(UploadProblems.refused(new Refusal.GrantUsedUp("g", 2)).code).isEqualTo(ProblemCode.GRANT_USED_UP);
        assertThat(Problems.notOneOf("granularity", "weekly", List.of("hourly", "daily", "total")).detail())
                .isEqualTo("granularity must be one of hourly, daily or total.");
    }
}
