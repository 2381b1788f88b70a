package dev.warden.tools.policy;

import static dev.warden.tools.policy.Decision.ALLOW;
import static dev.warden.tools.policy.Decision.ASK;
import static dev.warden.tools.policy.Decision.DENY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArgumentPatternTest {

    private static Optional<String> shellPattern(String command) {
        return ArgumentPattern.of(ToolCall.shell(command)).map(ArgumentPattern::value);
    }

    @Test
    void shellPatternsAreTheSubcommandForToolsWithSubcommandsAndExactOtherwise() {
        assertThat(shellPattern("git log --oneline -n 5")).contains("git log *");
        assertThat(shellPattern("git status")).contains("git status *");
        assertThat(shellPattern("npm test")).contains("npm test *");
        assertThat(shellPattern("npm run build -- --watch")).contains("npm run build *");
        assertThat(shellPattern("npm run")).contains("npm run");
        assertThat(shellPattern("npx @scope/tool x")).contains("npx @scope/tool x");
        assertThat(shellPattern("git -C /tmp status")).contains("git -C /tmp status");
        assertThat(shellPattern("rm build.log")).contains("rm build.log");
        assertThat(shellPattern("rm -rf build")).contains("rm -rf build");
        assertThat(shellPattern("ls")).contains("ls");
        assertThat(shellPattern("/usr/bin/git log")).contains("/usr/bin/git log");
    }

    @Test
    void listsAndComplexCommandsGetNoSessionPattern() {
        assertThat(shellPattern("git status; git log")).isEmpty();
        assertThat(shellPattern("git log | head")).isEmpty();
        assertThat(shellPattern("git log $(x)")).isEmpty();
        assertThat(shellPattern("eval git log")).isEmpty();
    }

    @Test
    void filePatternsAreTheResolvedDirectoryAndUrlPatternsTheOrigin() {
        assertThat(ArgumentPattern.of(ToolCall.file("write_file", "notes/a.md", "notes/a.md")))
                .contains(new ArgumentPattern("write_file", ArgumentPattern.Kind.DIRECTORY, "notes"));
        assertThat(ArgumentPattern.of(ToolCall.file("write_file", "link/a.md", "notes/sub/a.md")))
                .contains(new ArgumentPattern("write_file", ArgumentPattern.Kind.DIRECTORY, "notes/sub"));
        assertThat(ArgumentPattern.of(ToolCall.file("write_file", "a.md", "a.md"))
                        .map(ArgumentPattern::value))
                .contains(".");
        assertThat(ArgumentPattern.of(ToolCall.file("write_file", "../a.md", "../a.md")))
                .isEmpty();
        assertThat(ArgumentPattern.of(ToolCall.httpGet("https://API.github.com/x?y")))
                .contains(new ArgumentPattern("http_get", ArgumentPattern.Kind.ORIGIN, "https://api.github.com:443"));
        assertThat(ArgumentPattern.of(ToolCall.httpGet("file:///etc/passwd"))).isEmpty();
        assertThat(ArgumentPattern.of(new ToolCall("x", RiskClass.EXECUTE, new CallSubject.None())))
                .contains(new ArgumentPattern("x", ArgumentPattern.Kind.ANY, ""));
    }

    @Test
    void aSessionGrantTurnsAskIntoAllowForTheSamePatternOnly() {
        RiskPolicy policy = new RiskPolicy(ToolPolicy.standard());
        List<ArgumentPattern> grants = List.of(
                ArgumentPattern.of(ToolCall.shell("git log -1")).orElseThrow(),
                ArgumentPattern.of(ToolCall.shell("rm build.log")).orElseThrow(),
                ArgumentPattern.of(ToolCall.file("write_file", "notes/a.md", "notes/a.md"))
                        .orElseThrow(),
                ArgumentPattern.of(ToolCall.httpGet("https://example.com/a")).orElseThrow());

        assertThat(policy.decide(ToolCall.shell("git log --stat"), grants).decision())
                .isEqualTo(ALLOW);
        assertThat(policy.decide(ToolCall.shell("git log --stat"), grants).reason())
                .isEqualTo("approved for this session (`git log --stat`: execute tools default to ask)");
        assertThat(policy.decide(ToolCall.shell("git push"), grants).decision()).isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.shell("rm build.log"), grants).decision())
                .isEqualTo(ALLOW);
        assertThat(policy.decide(ToolCall.shell("rm -rf ."), grants).decision()).isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.shell("git log && rm build.log"), grants)
                        .decision())
                .as("a list is covered when each of its commands is")
                .isEqualTo(ALLOW);
        assertThat(policy.decide(ToolCall.shell("git log && rm x"), grants).decision())
                .isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.shell("git log $(rm x)"), grants).decision())
                .isEqualTo(ASK);

        assertThat(policy.decide(ToolCall.file("write_file", "notes/b.md", "notes/b.md"), grants)
                        .decision())
                .isEqualTo(ALLOW);
        assertThat(policy.decide(ToolCall.file("write_file", "notes/x/b.md", "notes/x/b.md"), grants)
                        .decision())
                .isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.file("edit_file", "notes/b.md", "notes/b.md"), grants)
                        .decision())
                .as("another tool")
                .isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.file("write_file", "notes/b.md", "other/b.md"), grants)
                        .decision())
                .as("through a link to another directory")
                .isEqualTo(ASK);

        assertThat(policy.decide(ToolCall.httpGet("https://example.com/other"), grants)
                        .decision())
                .isEqualTo(ALLOW);
        assertThat(policy.decide(ToolCall.httpGet("http://example.com/other"), grants)
                        .decision())
                .isEqualTo(ASK);
        assertThat(policy.decide(ToolCall.httpGet("https://example.com:8443/"), grants)
                        .decision())
                .isEqualTo(ASK);
    }

    @Test
    void aSessionGrantNeverLiftsADeny() {
        RiskPolicy policy = new RiskPolicy(new ToolPolicy(
                Map.of(),
                Map.of("http_get", DENY),
                List.of(PolicyRule.command("run_shell", DENY, "git push *"), PolicyRule.path("*", DENY, "secrets/**")),
                ASK));
        List<ArgumentPattern> grants = List.of(
                new ArgumentPattern("run_shell", ArgumentPattern.Kind.COMMAND, "git push *"),
                new ArgumentPattern("write_file", ArgumentPattern.Kind.DIRECTORY, "secrets"),
                new ArgumentPattern("http_get", ArgumentPattern.Kind.ORIGIN, "https://example.com:443"),
                new ArgumentPattern("run_shell", ArgumentPattern.Kind.COMMAND, "not a 'valid pattern"));
        assertThat(policy.decide(ToolCall.shell("git push --force"), grants).decision())
                .isEqualTo(DENY);
        assertThat(policy.decide(ToolCall.file("write_file", "secrets/a", "secrets/a"), grants)
                        .decision())
                .isEqualTo(DENY);
        assertThat(policy.decide(ToolCall.httpGet("https://example.com/"), grants)
                        .decision())
                .isEqualTo(DENY);
        assertThat(policy.decide(ToolCall.shell("ls"), grants).decision()).isEqualTo(ASK);
    }

    @Test
    void displayTellsThePersonWhatTheSessionCovers() {
        assertThat(ArgumentPattern.of(ToolCall.shell("git log -1"))
                        .orElseThrow()
                        .display())
                .isEqualTo("run_shell `git log *`");
        assertThat(ArgumentPattern.of(ToolCall.file("write_file", "a", "a"))
                        .orElseThrow()
                        .display())
                .isEqualTo("write_file for files directly in the workspace root");
        assertThat(ArgumentPattern.of(ToolCall.httpGet("https://x.org"))
                        .orElseThrow()
                        .display())
                .isEqualTo("http_get to https://x.org:443");
    }
}
