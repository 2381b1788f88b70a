package dev.warden.firewall.training;

import dev.warden.embedding.TextEmbedder;
import dev.warden.firewall.Detectors;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.RuleSet;
import dev.warden.firewall.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates the firewall on a labelled JSONL file ({@code {"text", "label": "attack"|"benign"}} per line) and prints
 * recall (attacks blocked), false-positive rate (benign blocked), precision, F1 and p50/p99 scan latency, overall, by
 * length band and by {@code kind} when the file has one.
 *
 * <pre>
 * ./mvnw -q compile exec:java -Dexec.mainClass=dev.warden.firewall.training.EvaluateFirewall \
 *     -Dexec.args="FILE.jsonl [--model model.json] [--rules rules.yaml] [--source USER|TOOL|MEMORY] [--tool-sources REGEX]"
 * ./mvnw -q compile exec:java -Dexec.mainClass=dev.warden.firewall.training.EvaluateFirewall \
 *     -Dexec.args="--cv ../shared/firewall/dev.jsonl --tool-sources microsoft/BIPIA [--folds 5] [--group-by template|source]"
 * </pre>
 *
 * {@code --rules-report FILE.jsonl [--tool-sources REGEX]} prints, for each rule, how many attacks and benign texts it
 * matches.
 *
 * <p>With {@code --cv} the learned detectors are retrained on k-1 grouped folds and the held-out fold is scanned, k
 * times; latency is not reported there, because its embeddings come from a cache.
 */
public final class EvaluateFirewall {

    private EvaluateFirewall() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        FirewallEngine.Settings settings = FirewallEngine.Settings.defaults();
        RuleSet rules =
                RuleSet.load(Optional.ofNullable(args.options().get("rules")).map(Path::of));
        if (args.has("rules-report")) {
            rulesReport(Dataset.read(Path.of(args.get("rules-report", ""))), rules, args.sourceOf());
            return;
        }
        if (args.has("cv")) {
            Dataset data = Dataset.read(Path.of(args.get("cv", "")));
            int folds = Integer.parseInt(args.get("folds", "5"));
            String groupBy = args.get("group-by", "template");
            try (EmbeddingCache cache = new EmbeddingCache(
                    Path.of(args.get("cache", "target/firewall-embeddings.bin")), new TextEmbedder())) {
                List<Evaluation.Outcome> outcomes = CrossValidation.run(
                        data,
                        new Trainer(Trainer.Params.from(args)),
                        cache,
                        rules,
                        folds,
                        groupBy,
                        settings,
                        args.sourceOf());
                System.out.println(Evaluation.report(
                        folds + "-fold cross-validation grouped by " + groupBy + ", " + data.file(), outcomes, false));
                if (args.has("dump")) {
                    dump(outcomes, Path.of(args.get("dump", "")));
                }
            }
            return;
        }
        if (args.positional().size() != 1) {
            System.err.println("usage: EvaluateFirewall FILE.jsonl [--model FILE] [--rules FILE] [--source USER]\n"
                    + "       EvaluateFirewall --cv DEV.jsonl [--folds 5] [--group-by template|source]");
            System.exit(2);
        }
        Dataset data = Dataset.read(Path.of(args.positional().get(0)));
        Detectors detectors =
                Detectors.load(Optional.ofNullable(args.options().get("model")).map(Path::of));
        if (data.sha256().equals(detectors.model().training().dataSha256())) {
            System.out.println("NOTE: the model was trained on this very file; these figures are not held-out."
                    + " Use --cv for held-out figures.");
        }
        var sourceOf = args.sourceOf();
        TextEmbedder embedder = new TextEmbedder();
        embedder.warmUp();
        FirewallEngine engine = new FirewallEngine(rules, detectors, FirewallEngine.Embedder.of(embedder), settings);
        List<Dataset.Example> examples = data.examples();
        for (int i = 0; i < Math.min(30, examples.size()); i++) {
            engine.scanDetailed(examples.get(i).text(), sourceOf.apply(examples.get(i)), null); // warm-up
        }
        List<Evaluation.Outcome> outcomes = new ArrayList<>();
        for (Dataset.Example e : examples) {
            long t0 = System.nanoTime();
            FirewallEngine.Scan scan = engine.scanDetailed(e.text(), sourceOf.apply(e), null);
            outcomes.add(new Evaluation.Outcome(e, scan, System.nanoTime() - t0));
        }
        System.out.println(Evaluation.report(
                data.file() + " (flag " + settings.thresholds().get(Source.USER).flag() + ", block "
                        + settings.thresholds().get(Source.USER).block() + "; source " + args.get("source", "USER")
                        + (args.has("tool-sources") ? ", TOOL where source ~ " + args.get("tool-sources", "") : "")
                        + ")",
                outcomes,
                true));
    }

    static void rulesReport(
            Dataset data, RuleSet rules, java.util.function.Function<Dataset.Example, Source> sourceOf) {
        java.util.Map<String, int[]> counts = new java.util.LinkedHashMap<>();
        rules.rules().forEach(r -> counts.put(r.id(), new int[2]));
        int attacks = 0;
        int benign = 0;
        int attacksHit = 0;
        int benignHit = 0;
        for (Dataset.Example e : data.examples()) {
            Source source = sourceOf.apply(e);
            var hits = rules.match(dev.warden.firewall.TextNormalizer.normalize(e.text())).stream()
                    .filter(h -> h.rule().weight(source) > 0)
                    .toList();
            for (var h : hits) {
                counts.get(h.rule().id())[e.attack() ? 0 : 1]++;
            }
            if (e.attack()) {
                attacks++;
                attacksHit += hits.isEmpty() ? 0 : 1;
            } else {
                benign++;
                benignHit += hits.isEmpty() ? 0 : 1;
            }
        }
        System.out.printf("%-36s %6s %8s %8s%n", "rule", "weight", "attacks", "benign");
        for (RuleSet.Rule r : rules.rules()) {
            if (!r.detector()) {
                int[] c = counts.get(r.id());
                System.out.printf("%-36s %6.2f %8d %8d%n", r.id(), r.weight(), c[0], c[1]);
            }
        }
        System.out.printf(
                "any rule: %d of %d attacks, %d of %d benign texts (main text only, before decoding; a hit counts"
                        + " where the rule weighs more than 0 for the text's source)%n",
                attacksHit, attacks, benignHit, benign);
    }

    /** Writes every outcome as a JSON line: label, kind, action, score, signals, and the start of the text. */
    static void dump(List<Evaluation.Outcome> outcomes, Path file) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (Evaluation.Outcome o : outcomes) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("line", o.example().line());
            m.put("label", o.example().attack() ? "attack" : "benign");
            m.put("kind", o.example().kind());
            m.put("source", o.example().source());
            m.put("length", o.example().text().length());
            m.put("action", o.scan().verdict().action());
            m.put("score", o.scan().verdict().score());
            m.put("signals", o.scan().verdict().signals());
            m.put(
                    "text",
                    o.example()
                            .text()
                            .substring(0, Math.min(300, o.example().text().length())));
            lines.add(mapper.writeValueAsString(m));
        }
        java.nio.file.Files.write(file, lines);
    }
}
