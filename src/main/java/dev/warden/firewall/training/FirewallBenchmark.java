package dev.warden.firewall.training;

import dev.warden.embedding.TextEmbedder;
import dev.warden.firewall.Detectors;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.RuleSet;
import dev.warden.firewall.Source;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Prints the firewall's latency figures (a benchmark, not a test: nothing here asserts a time):
 *
 * <ul>
 *   <li>rules and normalisation (with payload decoding) on 4 KB texts;
 *   <li>a typical prompt (at most 500 characters), full verdict: with the embedding computed where the cascade asks
 *       for it, and with the turn's embedding shared from memory (what the firewall itself then costs);
 *   <li>a 4 KB tool output, full verdict over every window, with the real embedding model.
 * </ul>
 *
 * <pre>
 * ./mvnw -q compile exec:java -Dexec.mainClass=dev.warden.firewall.training.FirewallBenchmark \
 *     -Dexec.args="--data ../shared/firewall/dev.jsonl"
 * </pre>
 *
 * The texts come from the data file: prompts of at most 500 characters, and benign documents joined and cut to 4,096
 * characters. Without {@code --data}, generated text is used.
 * {@code --model FILE} benchmarks a model from {@code TrainFirewall} instead of the built-in one; {@code --rounds N}
 * repeats each measurement.
 */
public final class FirewallBenchmark {

    private FirewallBenchmark() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        int rounds = Integer.parseInt(args.get("rounds", "3"));
        List<String> prompts = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        if (args.has("data")) {
            Dataset data = Dataset.read(Path.of(args.get("data", "")));
            StringBuilder doc = new StringBuilder();
            for (Dataset.Example e : data.examples()) {
                if (e.text().length() <= 500) {
                    prompts.add(e.text());
                }
                if (!e.attack() && e.text().length() >= 500) {
                    doc.append(e.text()).append("\n\n");
                    if (doc.length() >= 4096) {
                        documents.add(doc.substring(0, 4096));
                        doc.setLength(0);
                    }
                }
            }
        } else {
            prompts.addAll(generated(300, 60, 500));
            documents.addAll(generated(60, 4096, 4096));
        }
        System.out.printf(
                "%d prompts (<= 500 chars), %d documents of 4096 chars; %d cores; %s; %s; max heap %d MB%n",
                prompts.size(),
                documents.size(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .toList(),
                Runtime.getRuntime().maxMemory() >> 20);

        TextEmbedder embedder = new TextEmbedder();
        embedder.warmUp();
        Detectors detectors =
                Detectors.load(Optional.ofNullable(args.options().get("model")).map(Path::of));
        FirewallEngine engine = new FirewallEngine(
                RuleSet.builtIn(), detectors, FirewallEngine.Embedder.of(embedder), FirewallEngine.Settings.defaults());

        // Warm-up, so that what is timed is the running service, not the JIT: the scan's code is compiled by C2 after
        // a few thousand calls, and until then compiler threads share the two cores with the benchmark.
        for (int i = 0; i < 3000; i++) {
            engine.scanRulesOnly(documents.get(i % documents.size()), Source.TOOL);
        }
        for (int i = 0; i < 300; i++) {
            engine.scan(prompts.get(i % prompts.size()), Source.USER);
        }

        long[] rules = time(rounds * 20, documents, d -> engine.scanRulesOnly(d, Source.TOOL));
        print("rules + normalisation + decoding, 4 KB", rules);

        long[] embedOnly = time(rounds, prompts, embedder::embed);
        print("embedding alone, prompt <= 500 chars (the turn's shared cost)", embedOnly);

        int[] embedded = {0, 0};
        long[] full = time(rounds, prompts, p -> {
            FirewallEngine.Scan s = engine.scanDetailed(p, Source.USER, null);
            embedded[0] += s.embedded();
            embedded[1] += s.windows();
        });
        print("prompt <= 500 chars, full verdict, firewall embeds where needed", full);
        System.out.printf("    windows embedded: %.1f%%%n", 100.0 * embedded[0] / Math.max(1, embedded[1]));

        List<float[]> shared = new ArrayList<>();
        for (String p : prompts) {
            shared.add(embedder.embed(p));
        }
        int[] index = {0};
        long[] reused =
                time(rounds, prompts, p -> engine.scanDetailed(p, Source.USER, shared.get(index[0]++ % shared.size())));
        print("prompt <= 500 chars, full verdict, embedding shared with memory", reused);

        long[] neighbours = time(rounds * 4, shared, detectors::neighbourFeatures);
        print("nearest-neighbour features alone, per embedded window", neighbours);

        int[] docEmbedded = {0, 0};
        long[] docs = time(rounds, documents, d -> {
            FirewallEngine.Scan s = engine.scanDetailed(d, Source.TOOL, null);
            docEmbedded[0] += s.embedded();
            docEmbedded[1] += s.windows();
        });
        print("4 KB tool output, full verdict, every window", docs);
        System.out.printf(
                "    windows per document: %.1f, embedded: %.1f%%%n",
                docEmbedded[1] / (double) (rounds * documents.size()),
                100.0 * docEmbedded[0] / Math.max(1, docEmbedded[1]));

        String huge = "All work and no play makes Jack a dull boy. ".repeat(24_000);
        long[] big = time(1, List.of(huge, huge, huge), h -> engine.scan(h, Source.TOOL));
        print("1 MB text (first 128 K chars scanned)", big);
    }

    private static <T> long[] time(int rounds, List<T> inputs, Consumer<T> work) {
        long[] nanos = new long[rounds * inputs.size()];
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            for (T in : inputs) {
                long t0 = System.nanoTime();
                work.accept(in);
                nanos[n++] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void print(String name, long[] sorted) {
        System.out.printf(
                "%-66s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%d)%n",
                name,
                Evaluation.percentile(sorted, 0.50) / 1e6,
                Evaluation.percentile(sorted, 0.99) / 1e6,
                sorted[sorted.length - 1] / 1e6,
                sorted.length);
    }

    private static List<String> generated(int count, int minChars, int maxChars) {
        String[] words = ("the a report team meeting project budget customer order invoice shipment delivery"
                        + " schedule review update release server database query table column value result"
                        + " please thanks regards monday friday week month quarter growth revenue cost plan")
                .split(" ");
        java.util.Random random = new java.util.Random(1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int target = minChars + random.nextInt(maxChars - minChars + 1);
            StringBuilder sb = new StringBuilder();
            while (sb.length() < target) {
                sb.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? ".\n" : " ");
            }
            out.add(sb.substring(0, target));
        }
        return out;
    }
}
