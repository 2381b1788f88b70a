package dev.warden.firewall.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.Source;
import dev.warden.firewall.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static Evaluation.Outcome outcome(boolean attack, Verdict.Action action, String text) {
        Verdict v = new Verdict(action, action == Verdict.Action.BLOCK ? 0.9 : 0.1, List.of(), Source.USER);
        return new Evaluation.Outcome(
                new Dataset.Example(0, text, attack, "", attack ? "jailbreak" : "benign"),
                new FirewallEngine.Scan(v, 2, 1, 0),
                1_000_000);
    }

    @Test
    void summaryCountsBlockedAttacksAndBlockedBenignTexts() {
        List<Evaluation.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(outcome(true, Verdict.Action.BLOCK, "attack"));
        }
        outcomes.add(outcome(true, Verdict.Action.FLAG, "attack"));
        outcomes.add(outcome(true, Verdict.Action.ALLOW, "attack"));
        for (int i = 0; i < 19; i++) {
            outcomes.add(outcome(false, Verdict.Action.ALLOW, "benign"));
        }
        outcomes.add(outcome(false, Verdict.Action.BLOCK, "benign"));

        Evaluation.Summary s = Evaluation.summarise(outcomes);
        assertThat(s.recall()).isEqualTo(0.8);
        assertThat(s.falsePositiveRate()).isEqualTo(0.05);
        assertThat(s.precision()).isEqualTo(8 / 9.0);
        assertThat(s.f1()).isCloseTo(2 * (8 / 9.0) * 0.8 / (8 / 9.0 + 0.8), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.flaggedAttacks()).isEqualTo(0.9);
        assertThat(s.embeddedWindowShare()).isEqualTo(0.5);
    }

    @Test
    void lengthBandsAndPercentiles() {
        assertThat(Evaluation.band("x".repeat(100))).isEqualTo("0-100");
        assertThat(Evaluation.band("x".repeat(101))).isEqualTo("101-300");
        assertThat(Evaluation.band("x".repeat(1001))).isEqualTo("1001+");
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Evaluation.percentile(sorted, 0.5)).isEqualTo(50);
        assertThat(Evaluation.percentile(sorted, 0.99)).isEqualTo(99);
    }
}
