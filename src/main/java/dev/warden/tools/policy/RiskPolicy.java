package dev.warden.tools.policy;

import dev.warden.tools.shell.ParsedCommand;
import dev.warden.tools.shell.ShellParser;
import dev.warden.tools.shell.SimpleCommand;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether a tool call may run, must be approved by a person, or must never run, from the operator's
 * {@link ToolPolicy} alone. Pure and thread-safe.
 *
 * <ul>
 *   <li>{@code run_shell}: the command is parsed ({@link ShellParser}). A list of simple commands is decided command by
 *       command and gets the strictest answer: {@code git status; rm -rf x} is only allowed when both commands are.
 *       Allow rules compare the program exactly; deny and ask rules by name ({@code /bin/rm} is {@code rm}). A complex
 *       command is denied when a deny rule's words appear anywhere in it (a best-effort look, see
 *       {@link ShellParser#roughCommands}) or the tool is denied, and otherwise gets
 *       {@link ToolPolicy#complexCommands()}: it is never allowed.
 *   <li>file tools: rules are matched against the resolved path, and deny or ask rules also against the requested
 *       path; only the resolved path can be allowed.
 *   <li>{@code http_get}: rules match the URL's normalised host; anything but an absolute http(s) URL with a proper
 *       host is denied.
 * </ul>
 */
public final class RiskPolicy {

    private final ToolPolicy policy;

    public RiskPolicy(ToolPolicy policy) {
        this.policy = policy;
    }

    public ToolPolicy policy() {
        return policy;
    }

    /** The policy's decision, without any session grants. */
    public PolicyDecision decide(ToolCall call) {
        return switch (call.subject()) {
            case CallSubject.Command command -> command(call, command.command());
            case CallSubject.File file -> file(call, file);
            case CallSubject.Url url -> url(call, url.url());
            case CallSubject.None none -> fallback(call);
        };
    }

    /**
     * The decision once this session's grants are taken into account: an {@code ASK} that a grant covers becomes
     * {@code ALLOW}. A {@code DENY} stays a deny whatever was granted.
     */
    public PolicyDecision decide(ToolCall call, Collection<ArgumentPattern> sessionGrants) {
        PolicyDecision decision = decide(call);
        if (decision.decision() == Decision.ASK && ArgumentPattern.covers(sessionGrants, call)) {
            return new PolicyDecision(
                    Decision.ALLOW, "approved for this session (" + decision.reason() + ")", decision.rule());
        }
        return decision;
    }

    private PolicyDecision command(ToolCall call, String command) {
        return switch (ShellParser.parse(command)) {
            case ParsedCommand.Simple list -> {
                PolicyDecision strictest = null;
                for (SimpleCommand simple : list.commands()) {
                    PolicyDecision decision = decideBy(
                            call,
                            "`" + simple + "`",
                            RulePattern.Command.class,
                            pattern -> pattern.pattern().matchesByProgramName(simple),
                            pattern -> pattern.pattern().matches(simple));
                    if (strictest == null || decision.decision().compareTo(strictest.decision()) > 0) {
                        strictest = decision;
                    }
                }
                yield strictest;
            }
            case ParsedCommand.Complex complex -> {
                List<List<String>> rough = ShellParser.roughCommands(command);
                Optional<PolicyRule> denied = firstRule(
                        call,
                        Decision.DENY,
                        RulePattern.Command.class,
                        pattern -> rough.stream().anyMatch(pattern.pattern()::occursIn));
                if (denied.isPresent()) {
                    yield PolicyDecision.byRule(
                            denied.get(),
                            "a command containing `" + denied.get().pattern() + "`");
                }
                PolicyDecision fallback = fallback(call);
                if (fallback.decision() == Decision.DENY) {
                    yield fallback;
                }
                yield PolicyDecision.of(
                        policy.complexCommands(),
                        "a complex command (it contains " + complex.reason() + "); "
                                + (policy.complexCommands() == Decision.DENY
                                        ? "complex commands are denied"
                                        : "only a person can decide"));
            }
        };
    }

    private PolicyDecision file(ToolCall call, CallSubject.File file) {
        Optional<List<String>> resolved = PathGlob.segments(file.resolved());
        Optional<List<String>> requested = PathGlob.segments(file.requested());
        if (resolved.isEmpty() || requested.isEmpty()) {
            return PolicyDecision.of(Decision.DENY, "the path is outside the workspace");
        }
        PolicyDecision decision = decideBy(
                call,
                "path " + display(resolved.get()),
                RulePattern.Path.class,
                pattern -> pattern.glob().matches(resolved.get()),
                pattern -> pattern.glob().matches(resolved.get()));
        if (!requested.get().equals(resolved.get())) {
            // The requested name may only make things stricter: a link named like an allowed file allows nothing.
            for (Decision strict : List.of(Decision.DENY, Decision.ASK)) {
                Optional<PolicyRule> rule = firstRule(
                        call,
                        strict,
                        RulePattern.Path.class,
                        pattern -> pattern.glob().matches(requested.get()));
                if (rule.isPresent() && strict.compareTo(decision.decision()) > 0) {
                    return PolicyDecision.byRule(rule.get(), "path " + display(requested.get()));
                }
            }
        }
        return decision;
    }

    private PolicyDecision url(ToolCall call, String url) {
        Optional<Origin> origin = Origin.parse(url);
        if (origin.isEmpty()) {
            return PolicyDecision.of(
                    Decision.DENY, "not an absolute http or https URL with a host name or a plain IP address");
        }
        return decideBy(
                call,
                "host " + origin.get().host(),
                RulePattern.Host.class,
                pattern -> pattern.host().matches(origin.get()),
                pattern -> pattern.host().matches(origin.get()));
    }

    /**
     * The strictest matching rule decides: deny and ask rules are matched with {@code loose}, allow rules with
     * {@code strict}; without a matching rule, the tool's setting or its class's default.
     */
    private <P extends RulePattern> PolicyDecision decideBy(
            ToolCall call, String subject, Class<P> kind, Predicate<P> loose, Predicate<P> strict) {
        for (Decision decision : List.of(Decision.DENY, Decision.ASK, Decision.ALLOW)) {
            Optional<PolicyRule> rule = firstRule(call, decision, kind, decision == Decision.ALLOW ? strict : loose);
            if (rule.isPresent()) {
                return PolicyDecision.byRule(rule.get(), subject);
            }
        }
        PolicyDecision fallback = fallback(call);
        return PolicyDecision.of(fallback.decision(), subject + ": " + fallback.reason());
    }

    private <P extends RulePattern> Optional<PolicyRule> firstRule(
            ToolCall call, Decision decision, Class<P> kind, Predicate<P> matches) {
        for (PolicyRule rule : policy.rules()) {
            if (rule.decision() == decision
                    && rule.appliesTo(call.tool())
                    && kind.isInstance(rule.pattern())
                    && matches.test(kind.cast(rule.pattern()))) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    private PolicyDecision fallback(ToolCall call) {
        Decision tool = policy.tools().get(call.tool());
        if (tool != null) {
            return PolicyDecision.of(tool, call.tool() + " is set to " + lower(tool));
        }
        Decision byRisk = policy.defaults().get(call.risk());
        return PolicyDecision.of(byRisk, lower(call.risk()) + " tools default to " + lower(byRisk));
    }

    private static String display(List<String> segments) {
        return segments.isEmpty() ? "." : String.join("/", segments);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
