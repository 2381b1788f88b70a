package dev.warden.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandPatternTest {

    private static SimpleCommand command(String... argv) {
        return new SimpleCommand(List.of(argv));
    }

    @Test
    void exactPatternMatchesOnlyThoseWords() {
        CommandPattern pattern = CommandPattern.parse("git status");
        assertThat(pattern.matches(command("git", "status"))).isTrue();
        assertThat(pattern.matches(command("git", "status", "--short"))).isFalse();
        assertThat(pattern.matches(command("git"))).isFalse();
        assertThat(pattern.matches(command("git", "stash"))).isFalse();
        assertThat(pattern.matches(command("/usr/bin/git", "status"))).isFalse();
        assertThat(pattern.matches(command("./git", "status"))).isFalse();
        assertThat(pattern.matches(command("GIT", "status"))).isFalse();
    }

    @Test
    void trailingStarMatchesAnyFurtherArgumentsIncludingNone() {
        CommandPattern pattern = CommandPattern.parse("git log *");
        assertThat(pattern.matches(command("git", "log"))).isTrue();
        assertThat(pattern.matches(command("git", "log", "--oneline", "-n", "5")))
                .isTrue();
        assertThat(pattern.matches(command("git", "push"))).isFalse();
        assertThat(pattern.matches(command("git"))).isFalse();
        assertThat(pattern.anyRest()).isTrue();
    }

    @Test
    void questionMarkMatchesExactlyOneWord() {
        CommandPattern pattern = CommandPattern.parse("git show ? --stat");
        assertThat(pattern.matches(command("git", "show", "HEAD", "--stat"))).isTrue();
        assertThat(pattern.matches(command("git", "show", "--stat"))).isFalse();
        assertThat(pattern.matches(command("git", "show", "a", "b", "--stat"))).isFalse();
    }

    @Test
    void quotedWordsAreLiteral() {
        CommandPattern pattern = CommandPattern.parse("grep '*' \"a b\" '?'");
        assertThat(pattern.matches(command("grep", "*", "a b", "?"))).isTrue();
        assertThat(pattern.matches(command("grep", "x", "a b", "?"))).isFalse();
        assertThat(pattern.matches(command("grep", "*", "a b", "y"))).isFalse();
    }

    @Test
    void denyRulesSeeThroughADirectoryInFrontOfTheProgram() {
        CommandPattern pattern = CommandPattern.parse("rm *");
        assertThat(pattern.matchesByProgramName(command("/bin/rm", "-rf", "x"))).isTrue();
        assertThat(pattern.matchesByProgramName(command("./rm"))).isTrue();
        assertThat(pattern.matches(command("/bin/rm", "-rf", "x"))).isFalse();
        assertThat(CommandPattern.parse("/usr/bin/git push *").matchesByProgramName(command("git", "push")))
                .isTrue();
    }

    @Test
    void occursInFindsTheWordsAnywhereIgnoringWhatFollows() {
        assertThat(CommandPattern.parse("rm *").occursIn(List.of("sh", "-c", "/bin/rm", "-rf")))
                .isTrue();
        assertThat(CommandPattern.parse("git push").occursIn(List.of("x", "git", "push", "--force")))
                .isTrue();
        assertThat(CommandPattern.parse("git push").occursIn(List.of("git", "pull")))
                .isFalse();
        assertThat(CommandPattern.parse("git push ?").occursIn(List.of("git", "push")))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "* x", "? x", "git * x", "git log*", "git l?g", "'x", "git \u00e9", "'' x"})
    void invalidPatternsAreRefusedWithAMessage(String text) {
        assertThatThrownBy(() -> CommandPattern.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ommand pattern");
    }

    @Test
    void textRoundTrips() {
        for (String text :
                List.of("git status", "git log *", "git show ? --stat", "grep '*' 'a b' '?'", "rm 'it'\"'\"'s'")) {
            CommandPattern pattern = CommandPattern.parse(text);
            assertThat(CommandPattern.parse(pattern.toString())).as(text).isEqualTo(pattern);
        }
        CommandPattern exact = CommandPattern.exact(List.of("echo", "it's \"x\"", "*", "", "~a", "HEAD~1"));
        assertThat(CommandPattern.parse(exact.toString())).isEqualTo(exact);
        assertThat(CommandPattern.prefix(List.of("git", "log")).toString()).isEqualTo("git log *");
    }
}
