package dev.mediaup.api.delivery;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mediaup.core.Problem;
import dev.mediaup.core.Transform;
import dev.mediaup.fuzz.Fuzzing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a delivery URL and its request say of the picture wanted: the transform parameters (a transform, or a 400 naming
 * the parameter) and the Accept header (a format, or none) — never anything else, for any input.
 */
class DeliveryFuzzTests {
    private static final List<Integer> LADDER = List.of(64, 128, 256, 640, 2048);
    private static final String[] NAMES = {"w", "h", "fit", "fm", "q", "exp", "sig", "t", ""};

    @FuzzTest(maxDuration = "60s")
    void transformParameters(FuzzedDataProvider d) throws Exception {
        Map<String, List<String>> query = new LinkedHashMap<>();
        int n = d.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            String name = d.consumeBoolean() ? d.pickValue(NAMES) : d.consumeString(8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(d.consumeString(16));
        }
        Fuzzing.bounded(() -> Transform.parse(query, LADDER).ifPresent(t -> {
            if (t.width() != 0 && !LADDER.contains(t.width())) throw new AssertionError("a width off the ladder: " + t);
            if (t.quality() < 1 || t.quality() > 100) throw new AssertionError("quality out of range: " + t);
            t.canonical();
        }), Problem.class);
    }

    @FuzzTest(maxDuration = "60s")
    void acceptHeader(FuzzedDataProvider d) throws Exception {
        String accept = d.consumeRemainingAsString();
        Fuzzing.bounded(() -> DeliveryApi.accepted(accept));
    }
}
