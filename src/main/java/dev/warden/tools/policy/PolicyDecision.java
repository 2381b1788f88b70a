package dev.warden.tools.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * The policy's answer for one call.
 *
 * @param decision allow, ask or deny
 * @param reason why, for the approval prompt, the journal and the model's tool result
 * @param rule the rule that decided, when one did
 */
public record PolicyDecision(Decision decision, String reason, Optional<PolicyRule> rule) {

    public PolicyDecision {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(rule, "rule");
    }

    static PolicyDecision of(Decision decision, String reason) {
        return new PolicyDecision(decision, reason, Optional.empty());
    }

    static PolicyDecision byRule(PolicyRule rule, String subject) {
        String verb = switch (rule.decision()) {
            case ALLOW -> "allowed";
            case ASK -> "needs approval";
            case DENY -> "denied";
        };
        return new PolicyDecision(rule.decision(), subject + " " + verb + " by rule: " + rule, Optional.of(rule));
    }
}
