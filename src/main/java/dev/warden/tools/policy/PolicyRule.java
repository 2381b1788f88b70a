package dev.warden.tools.policy;

import dev.warden.tools.shell.CommandPattern;
import java.util.Objects;

/**
 * One rule of the operator's policy: for calls of {@code tool} ({@code *}: any tool whose argument is of the pattern's
 * kind) whose argument matches {@code pattern}, the decision is {@code decision}.
 *
 * <p>Examples: {@code PolicyRule.command("run_shell", ALLOW, "git log *")}, {@code PolicyRule.path("read_file", DENY,
 * "secrets/**")}, {@code PolicyRule.host("http_get", ALLOW, "*.github.com")}.
 */
public record PolicyRule(String tool, Decision decision, RulePattern pattern) {

    /** A rule's tool that stands for every tool. */
    public static final String ANY_TOOL = "*";

    public PolicyRule {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(pattern, "pattern");
        if (tool == null || tool.isBlank()) {
            throw new IllegalArgumentException("A policy rule names a tool (or * for any)");
        }
    }

    /** @throws IllegalArgumentException when the pattern is invalid (see {@link CommandPattern#parse}) */
    public static PolicyRule command(String tool, Decision decision, String pattern) {
        return new PolicyRule(tool, decision, new RulePattern.Command(CommandPattern.parse(pattern)));
    }

    /** @throws IllegalArgumentException when the glob is invalid (see {@link PathGlob#parse}) */
    public static PolicyRule path(String tool, Decision decision, String glob) {
        return new PolicyRule(tool, decision, new RulePattern.Path(PathGlob.parse(glob)));
    }

    /** @throws IllegalArgumentException when the pattern is invalid (see {@link HostPattern#parse}) */
    public static PolicyRule host(String tool, Decision decision, String pattern) {
        return new PolicyRule(tool, decision, new RulePattern.Host(HostPattern.parse(pattern)));
    }

    /** Whether this rule is about calls of {@code toolName}. */
    public boolean appliesTo(String toolName) {
        return tool.equals(ANY_TOOL) || tool.equals(toolName);
    }

    @Override
    public String toString() {
        return decision.name().toLowerCase(java.util.Locale.ROOT) + " " + tool + " for " + pattern;
    }
}
