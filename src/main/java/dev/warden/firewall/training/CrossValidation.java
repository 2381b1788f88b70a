package dev.warden.firewall.training;

import dev.warden.firewall.Detectors;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.FirewallModel;
import dev.warden.firewall.RuleSet;
import dev.warden.firewall.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Grouped k-fold cross-validation of the whole firewall (rules and learned detectors): train on k-1 folds, scan the
 * held-out fold with the default settings and thresholds, pool the held-out verdicts.
 */
final class CrossValidation {

    private CrossValidation() {}

    static List<Evaluation.Outcome> run(
            Dataset data,
            Trainer trainer,
            EmbeddingCache cache,
            RuleSet rules,
            int k,
            String groupBy,
            FirewallEngine.Settings settings,
            java.util.function.Function<Dataset.Example, Source> sourceOf) {
        List<Dataset.Example> examples = data.examples();
        List<Trainer.Prepared> prepared = trainer.prepare(examples, cache::embed, sourceOf, rules);
        int[] fold = Folds.assign(examples, k, groupBy);
        int[] groups = Folds.groups(examples, groupBy);
        List<Evaluation.Outcome> outcomes = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            List<Trainer.Prepared> train = new ArrayList<>();
            List<Integer> trainGroups = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                if (fold[i] != f) {
                    train.add(prepared.get(i));
                    trainGroups.add(groups[i]);
                }
            }
            FirewallModel model = trainer.train(
                    train,
                    trainGroups.stream().mapToInt(Integer::intValue).toArray(),
                    data.file().getFileName().toString(),
                    data.sha256(),
                    Map.of());
            FirewallEngine engine = new FirewallEngine(rules, new Detectors(model), cache::embed, settings);
            int held = 0;
            int blocked = 0;
            for (int i = 0; i < examples.size(); i++) {
                if (fold[i] == f) {
                    Dataset.Example e = examples.get(i);
                    long t0 = System.nanoTime();
                    FirewallEngine.Scan scan = engine.scanDetailed(e.text(), sourceOf.apply(e), null);
                    outcomes.add(new Evaluation.Outcome(e, scan, System.nanoTime() - t0));
                    held++;
                    blocked += scan.verdict().action() == dev.warden.firewall.Verdict.Action.BLOCK ? 1 : 0;
                }
            }
            System.err.printf(
                    "fold %d: trained on %d, held out %d (blocked %d); cascade low %.3f%n",
                    f + 1, train.size(), held, blocked, model.cascade().low());
        }
        return outcomes;
    }
}
