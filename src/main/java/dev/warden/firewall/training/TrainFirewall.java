package dev.warden.firewall.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.warden.embedding.TextEmbedder;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.FirewallModel;
import dev.warden.firewall.RuleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the firewall's learned detectors and writes {@code firewall/model.json}. Not part of any build:
 *
 * <pre>
 * ./mvnw -q compile exec:java -Dexec.mainClass=dev.warden.firewall.training.TrainFirewall \
 *     -Dexec.args="../shared/firewall/dev.jsonl --tool-sources microsoft/BIPIA"
 * </pre>
 *
 * Options: {@code --out FILE} (default {@code src/main/resources/firewall/model.json}), {@code --folds 5},
 * {@code --group-by template,source} (cross-validation splits whose figures go into the model; {@code none} skips
 * them), {@code --tool-sources REGEX} (rows whose {@code source} matches are scanned as tool results in
 * cross-validation), {@code --cache FILE} (embedding cache, default {@code target/firewall-embeddings.bin}), and the training
 * parameters of {@link Trainer.Params} ({@code --seed 42}, {@code --window-size 1000}, {@code --embedding-lambda 1},
 * ...).
 */
public final class TrainFirewall {

    private TrainFirewall() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        if (args.positional().size() != 1) {
            System.err.println("usage: TrainFirewall DATA.jsonl [--out FILE] [--folds 5] [--group-by template,source]"
                    + " [--cache FILE] [--seed 42]");
            System.exit(2);
        }
        Dataset data = Dataset.read(Path.of(args.positional().get(0)));
        Trainer trainer = new Trainer(Trainer.Params.from(args));
        int folds = Integer.parseInt(args.get("folds", "5"));
        String groupings = args.get("group-by", "template,source");
        Path out = Path.of(args.get("out", "src/main/resources/firewall/model.json"));
        FirewallEngine.Settings settings = FirewallEngine.Settings.defaults();
        RuleSet rules = RuleSet.builtIn();
        System.err.printf("%d examples, sha256 %s%n", data.examples().size(), data.sha256());

        Map<String, Object> metrics = new LinkedHashMap<>();
        try (EmbeddingCache cache =
                new EmbeddingCache(Path.of(args.get("cache", "target/firewall-embeddings.bin")), new TextEmbedder())) {
            if (!groupings.equals("none")) {
                for (String groupBy : groupings.split(",")) {
                    List<Evaluation.Outcome> outcomes =
                            CrossValidation.run(data, trainer, cache, rules, folds, groupBy, settings, args.sourceOf());
                    System.out.println(Evaluation.report(
                            folds + "-fold cross-validation grouped by " + groupBy + " (held-out verdicts, flag "
                                    + settings.thresholds()
                                            .get(dev.warden.firewall.Source.USER)
                                            .flag() + ", block "
                                    + settings.thresholds()
                                            .get(dev.warden.firewall.Source.USER)
                                            .block() + ")",
                            outcomes,
                            false));
                    Map<String, Object> cv = new LinkedHashMap<>();
                    cv.put("folds", folds);
                    cv.put("groupBy", groupBy);
                    cv.put("toolSources", args.get("tool-sources", ""));
                    cv.put(
                            "flagThreshold",
                            settings.thresholds()
                                    .get(dev.warden.firewall.Source.USER)
                                    .flag());
                    cv.put(
                            "blockThreshold",
                            settings.thresholds()
                                    .get(dev.warden.firewall.Source.USER)
                                    .block());
                    cv.putAll(Evaluation.asMap(outcomes));
                    metrics.put("crossValidation-" + groupBy, cv);
                }
            }
            List<Trainer.Prepared> prepared = trainer.prepare(data.examples(), cache::embed, args.sourceOf(), rules);
            FirewallModel model = trainer.train(
                    prepared,
                    Folds.groups(data.examples(), "template"),
                    data.file().getFileName().toString(),
                    data.sha256(),
                    metrics);
            Files.createDirectories(out.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), model);
            System.err.printf(
                    "wrote %s (%d KB); cascade low %.3f; %d embeddings computed, rest from cache%n",
                    out, Files.size(out) / 1024, model.cascade().low(), cache.computed);
        }
    }
}
