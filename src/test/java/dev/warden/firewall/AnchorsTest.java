package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorsTest {

    private static List<String> literals(String pattern) {
        return Anchors.of(pattern).stream().map(Anchors.Anchor::literal).toList();
    }

    @Test
    void multipliesOutLeadingAlternativesAndLiteralText() {
        assertThat(literals("\\b(?:ignore|disregard) (?:all|the)\\s\\S+"))
                .containsExactlyInAnyOrder("ignore all", "ignore the", "disregard all", "disregard the");
        assertThat(Anchors.of("\\bignore").get(0).wordStart()).isTrue();
    }

    @Test
    void stopsBeforeOptionalCharactersAndNonLiterals() {
        assertThat(literals("\\b(?:instructions?|never ?mind|summari[sz]e)"))
                .containsExactly("instruction", "never", "summari");
        assertThat(literals("<\\|\\s?(?:im_start|system)")).containsExactly("<|");
        assertThat(literals("!\\[[^\\]]{0,9}\\]")).containsExactly("![");
    }

    @Test
    void handlesTopLevelAlternativesAndTextStart() {
        assertThat(literals("\\[dan\\]|\\bdan:")).containsExactly("[dan]", "dan:");
        List<Anchors.Anchor> lines = Anchors.of("(?:^|\\n)(?:can you|show me)\\b");
        assertThat(lines.stream().filter(Anchors.Anchor::textStart)).hasSize(2);
        assertThat(lines.stream().filter(a -> !a.textStart()).map(Anchors.Anchor::literal))
                .containsExactlyInAnyOrder("\ncan you", "\nshow me");
    }

    @Test
    void givesUpWhenAMatchCouldStartAnywhere() {
        assertThat(Anchors.of("(?:a)?b")).isNull();
        assertThat(Anchors.of("\\s+x")).isNull();
        assertThat(Anchors.of("(a+)+b")).isNull();
        assertThat(Anchors.of("x|.y")).isNull();
    }
}
