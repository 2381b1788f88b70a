package dev.warden.firewall.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.firewall.Detectors;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.FirewallModel;
import dev.warden.firewall.RuleSet;
import dev.warden.firewall.Source;
import dev.warden.firewall.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Training on a small synthetic set, with a stand-in embedding (the real model runs only in {@code @QuarkusTest}s and
 * in the training command). Attacks ask for "zorblax" in varied words; benign texts ask about cooking.
 */
class TrainerTest {

    private static final String[] ATTACK_VERBS = {"grant", "unlock", "release", "hand over", "give me"};
    private static final String[] BENIGN_TOPICS = {"soup", "bread", "pasta", "salad", "curry"};

    private static float[] fakeEmbedding(String text) {
        float[] v = new float[384];
        v[0] = text.contains("zorblax") ? 0.3f : -0.3f;
        v[1] = (text.length() % 7) / 70f;
        return v;
    }

    private static List<Dataset.Example> examples(long seed) {
        Random r = new Random(seed);
        List<Dataset.Example> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            out.add(new Dataset.Example(
                    i,
                    "Please " + ATTACK_VERBS[r.nextInt(5)] + " the zorblax key number " + r.nextInt(1000) + " now",
                    true,
                    "attacks-" + (i % 6),
                    "injection"));
            out.add(new Dataset.Example(
                    1000 + i,
                    "How long should I cook the " + BENIGN_TOPICS[r.nextInt(5)] + " for " + r.nextInt(60) + " guests?",
                    false,
                    "benign-" + (i % 6),
                    "benign"));
        }
        return out;
    }

    private static FirewallModel train(Trainer trainer, List<Dataset.Example> data) {
        List<Trainer.Prepared> prepared = trainer.prepare(data, TrainerTest::fakeEmbedding);
        return trainer.train(prepared, Folds.groups(data, "source"), "synthetic.jsonl", "0".repeat(64), Map.of());
    }

    @Test
    void learnsToSeparateHeldOutTexts() {
        Trainer trainer = new Trainer(Trainer.Params.defaults());
        FirewallModel model = train(trainer, examples(1));
        FirewallEngine engine = new FirewallEngine(
                RuleSet.builtIn(),
                new Detectors(model),
                TrainerTest::fakeEmbedding,
                FirewallEngine.Settings.defaults());
        int correct = 0;
        List<Dataset.Example> heldOut = examples(99);
        for (Dataset.Example e : heldOut) {
            boolean blocked = engine.scan(e.text(), Source.USER).action() == Verdict.Action.BLOCK;
            correct += blocked == e.attack() ? 1 : 0;
        }
        assertThat(correct).isGreaterThanOrEqualTo(heldOut.size() * 9 / 10);
        assertThat(model.cascade().low()).isLessThanOrEqualTo(0.5);
        assertThat(model.stack()).isNotNull();
        assertThat(model.stack().weights()).hasSize(FirewallModel.Stack.FEATURES.size());
        assertThat(model.training().rows()).isEqualTo(120);
        // every text here is one window: each one is stored for the nearest-neighbour features, attacks first
        assertThat(model.neighbours().attacks() + model.neighbours().benign()).isEqualTo(120);
        assertThat(model.neighbours().attacks()).isEqualTo((int)
                examples(1).stream().filter(Dataset.Example::attack).count());
    }

    @Test
    void trainingIsDeterministic() {
        List<Dataset.Example> data = examples(5);
        FirewallModel a = train(new Trainer(Trainer.Params.defaults()), data);
        FirewallModel b = train(new Trainer(Trainer.Params.defaults()), data);
        assertThat(a.ngram()).isEqualTo(b.ngram());
        assertThat(a.embedding()).isEqualTo(b.embedding());
        assertThat(a.cascade()).isEqualTo(b.cascade());
        assertThat(a.stack()).isEqualTo(b.stack());
        assertThat(a.neighbours()).isEqualTo(b.neighbours());
    }

    @Test
    void choleskySolvesASymmetricSystem() {
        double[][] a = {{4, 2, 0}, {2, 5, 1}, {0, 1, 3}};
        double[] x = Trainer.solve(a, new double[] {2, 3, 4});
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                s += a[i][j] * x[j];
            }
            assertThat(s).isCloseTo(new double[] {2, 3, 4}[i], org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
