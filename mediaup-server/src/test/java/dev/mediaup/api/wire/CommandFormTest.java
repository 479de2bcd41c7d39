package dev.mediaup.api.wire;

import dev.mediaup.api.wire.CommandForm.Tolerance;
import dev.mediaup.core.Category;
import dev.mediaup.core.Problem;
import dev.mediaup.core.ProblemCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one command-form decoder, as X v2 and v1.1 use it: the same commands, different tolerance of unknown parameters. */
class CommandFormTest {

    @Test
    void noCommandIsTheOneShotUpload() {
        assertThat(CommandForm.decode(Map.of("media_category", "tweet_image"), Tolerance.STRICT)).isInstanceOf(CommandForm.OneShot.class);
    }

    @Test
    void initIsStrictForV2AndLenientForV11() {
        Map<String, String> p = Map.of("command", "INIT", "media_type", "image/png", "total_bytes", "10", "include_entities", "true");
        assertThatThrownBy(() -> CommandForm.decode(p, Tolerance.STRICT)).isInstanceOfSatisfying(Problem.class,
                e -> assertThat(e.parameter).isEqualTo("include_entities"));
        var init = (CommandForm.Init) CommandForm.decode(p, Tolerance.LENIENT);
        assertThat(init.request().mediaType()).isEqualTo("image/png");
        assertThat(init.request().totalBytes()).isEqualTo(10L);
        assertThat(((CommandForm.Init) CommandForm.decode(Map.of("command", "INIT", "media_type", "image/gif", "media_category",
                "tweet_gif"), Tolerance.STRICT)).request().category()).isEqualTo(Category.TWEET_GIF);
    }

    @Test
    void finalizeAndStatusNeedAMediaIdAppendReadsItWithItsBody() {
        assertThat(CommandForm.decode(Map.of("command", "FINALIZE", "media_id", "123"), Tolerance.STRICT))
                .isEqualTo(new CommandForm.Finalize(123));
        assertThat(CommandForm.decode(Map.of("command", "STATUS", "media_id", "9"), Tolerance.LENIENT)).isEqualTo(new CommandForm.Status(9));
        assertThatThrownBy(() -> CommandForm.decode(Map.of("command", "FINALIZE"), Tolerance.STRICT)).isInstanceOfSatisfying(Problem.class,
                e -> assertThat(e.parameter).isEqualTo("media_id"));
        assertThat(CommandForm.decode(Map.of("command", "APPEND"), Tolerance.STRICT)).isEqualTo(new CommandForm.Append(null));
    }

    @Test
    void anUnknownCommandIsRefusedNamingTheCommandsThereAre() {
        assertThatThrownBy(() -> CommandForm.decode(Map.of("command", "DELETE"), Tolerance.STRICT)).isInstanceOfSatisfying(Problem.class,
                e -> {
                    assertThat(e.parameter).isEqualTo("command");
                    assertThat(e.value).isEqualTo("DELETE");
                    assertThat(e.code).isEqualTo(ProblemCode.NOT_ONE_OF);
                    assertThat(e.getMessage()).contains("INIT, APPEND, FINALIZE or STATUS");
                });
    }
}
