package dev.mediaup.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.mediaup.core.Problem;
import dev.mediaup.fuzz.Fuzzing;

/** The OAuth 1.0a Authorization header parser ({@code OAuth k="v", …}); seeds in OAuth1FuzzTestsInputs. */
class OAuth1FuzzTests {
    @FuzzTest(maxDuration = "60s")
    void authorizationHeader(@NotNull String header) throws Exception {
        Fuzzing.bounded(() -> OAuth1.parseHeader(header), Problem.class);
    }
}
