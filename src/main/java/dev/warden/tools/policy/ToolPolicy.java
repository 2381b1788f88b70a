package dev.warden.tools.policy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operator's policy, as plain data (the caller maps it from {@code warden.tools.*}).
 *
 * <p>How a call is decided ({@link RiskPolicy}): the rules that apply to the call's tool and match its argument are
 * looked at first, and among them a {@code deny} beats an {@code ask}, which beats an {@code allow}, whatever their order.
 * When no rule matches, the tool's own setting applies, else its risk class's default. Rules are exceptions to those
 * settings, so a tool set to {@code deny} with an {@code allow} rule allows exactly what the rule names; but a
 * {@code deny} rule cannot be lifted by anything: no allow rule, no approval, no session grant.
 *
 * @param defaults per risk class; missing classes take the standard defaults (read=allow, write=ask, execute=ask,
 *     network=ask)
 * @param tools per tool name, overriding its class's default
 * @param rules in the order the operator wrote them (the order only decides which of several equally strict rules is
 *     reported)
 * @param complexCommands what a {@code run_shell} command that is not a plain list of simple commands gets when no deny
 *     applies: {@code ASK} (default) or {@code DENY}; never {@code ALLOW}
 */
public record ToolPolicy(
        Map<RiskClass, Decision> defaults,
        Map<String, Decision> tools,
        List<PolicyRule> rules,
        Decision complexCommands) {

    /** The risk-class defaults of issue 4. */
    public static final Map<RiskClass, Decision> STANDARD_DEFAULTS = Map.of(
            RiskClass.READ, Decision.ALLOW,
            RiskClass.WRITE, Decision.ASK,
            RiskClass.EXECUTE, Decision.ASK,
            RiskClass.NETWORK, Decision.ASK);

    /** Which kind of pattern fits the arguments of each built-in tool. */
    private static final Map<String, Class<? extends RulePattern>> BUILTIN_PATTERN_KINDS = Map.of(
            "run_shell", RulePattern.Command.class,
            "read_file", RulePattern.Path.class,
            "list_files", RulePattern.Path.class,
            "write_file", RulePattern.Path.class,
            "edit_file", RulePattern.Path.class,
            "http_get", RulePattern.Host.class);

    public ToolPolicy {
        EnumMap<RiskClass, Decision> merged = new EnumMap<>(STANDARD_DEFAULTS);
        if (defaults != null) {
            defaults.forEach((risk, decision) -> merged.put(
                    Objects.requireNonNull(risk, "risk class"), Objects.requireNonNull(decision, "decision")));
        }
        defaults = Map.copyOf(merged);
        tools = tools == null ? Map.of() : Map.copyOf(tools);
        rules = rules == null ? List.of() : List.copyOf(rules);
        complexCommands = complexCommands == null ? Decision.ASK : complexCommands;
        if (complexCommands == Decision.ALLOW) {
            throw new IllegalArgumentException(
                    "Complex shell commands can only be asked or denied, never allowed without a person");
        }
        for (PolicyRule rule : rules) {
            Class<? extends RulePattern> kind = BUILTIN_PATTERN_KINDS.get(rule.tool());
            if (kind != null && !kind.isInstance(rule.pattern())) {
                throw new IllegalArgumentException("Rule '" + rule + "' cannot apply: " + rule.tool() + " takes a "
                        + kind.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " pattern");
            }
        }
    }

    /** The standard policy: risk-class defaults only, no rules, complex commands asked. */
    public static ToolPolicy standard() {
        return new ToolPolicy(Map.of(), Map.of(), List.of(), Decision.ASK);
    }
}
