package dev.warden.firewall.training;

import dev.warden.firewall.Detectors;
import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.FirewallModel;
import dev.warden.firewall.NeighbourIndex;
import dev.warden.firewall.NgramFeatures;
import dev.warden.firewall.RuleSet;
import dev.warden.firewall.Source;
import dev.warden.firewall.TextNormalizer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Trains the firewall's learned detectors. Deterministic: the same data, parameters and seed give the same model.
 *
 * <ol>
 *   <li>Every text is normalised and cut into the scanner's windows; each window gets its n-gram features and its
 *       all-MiniLM-L6-v2 embedding.
 *   <li>Two logistic regressions, one on the n-gram features (SGD), one on the embedding (Newton). A long attack text
 *       is labelled as a whole, not per window: its windows first count as positive together (weight 1/k); for the
 *       n-gram model then only the window the model finds most suspicious counts (multiple-instance learning; for the
 *       embedding head only with {@code --embedding-mil-rounds}). Benign windows are all negative. Classes are
 *       weighted to balance.
 *   <li>On out-of-fold predictions of an inner grouped split: the cascade threshold, the n-gram probability at or
 *       below which the n-gram model clears a window alone (at most {@code cascadeMiss} of attack texts fall below
 *       it), and the stacked combiner that turns an embedded window's two log-odds, the text's rule score, source and
 *       length band into its probability ({@link FirewallModel.Stack}).
 * </ol>
 */
public final class Trainer {

    /** Training settings; recorded in the model. */
    public record Params(
            int windowSize,
            int windowStride,
            int bits,
            double ngramLambda,
            int ngramEpochs,
            double ngramRate,
            double embeddingLambda,
            int milRounds,
            int embeddingMilRounds,
            double stackLambda,
            double stackBenignBlock,
            double cascadeMiss,
            int innerFolds,
            long seed) {

        public static Params defaults() {
            return new Params(1000, 750, 16, 1e-4, 12, 0.2, 20.0, 2, 0, 0.02, 0.015, 0.01, 4, 42);
        }

        /** The defaults, each overridable by a command-line option of the same name in kebab case. */
        static Params from(Args args) {
            Params d = defaults();
            return new Params(
                    Integer.parseInt(args.get("window-size", String.valueOf(d.windowSize))),
                    Integer.parseInt(args.get("window-stride", String.valueOf(d.windowStride))),
                    Integer.parseInt(args.get("bits", String.valueOf(d.bits))),
                    Double.parseDouble(args.get("ngram-lambda", String.valueOf(d.ngramLambda))),
                    Integer.parseInt(args.get("ngram-epochs", String.valueOf(d.ngramEpochs))),
                    Double.parseDouble(args.get("ngram-rate", String.valueOf(d.ngramRate))),
                    Double.parseDouble(args.get("embedding-lambda", String.valueOf(d.embeddingLambda))),
                    Integer.parseInt(args.get("mil-rounds", String.valueOf(d.milRounds))),
                    Integer.parseInt(args.get("embedding-mil-rounds", String.valueOf(d.embeddingMilRounds))),
                    Double.parseDouble(args.get("stack-lambda", String.valueOf(d.stackLambda))),
                    Double.parseDouble(args.get("stack-benign-block", String.valueOf(d.stackBenignBlock))),
                    Double.parseDouble(args.get("cascade-miss", String.valueOf(d.cascadeMiss))),
                    Integer.parseInt(args.get("inner-folds", String.valueOf(d.innerFolds))),
                    Long.parseLong(args.get("seed", String.valueOf(d.seed))));
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("windowSize", windowSize);
            m.put("windowStride", windowStride);
            m.put("bits", bits);
            m.put("ngramLambda", ngramLambda);
            m.put("ngramEpochs", ngramEpochs);
            m.put("ngramRate", ngramRate);
            m.put("embeddingLambda", embeddingLambda);
            m.put("milRounds", milRounds);
            m.put("embeddingMilRounds", embeddingMilRounds);
            m.put("stackLambda", stackLambda);
            m.put("stackBenignBlock", stackBenignBlock);
            m.put("cascadeMiss", cascadeMiss);
            m.put("innerFolds", innerFolds);
            return m;
        }
    }

    /** A text cut into windows, with each window's features. */
    record Prepared(
            Dataset.Example example,
            List<NgramFeatures.Sparse> ngrams,
            List<float[]> embeddings,
            double ruleScore,
            boolean tool) {
        int windows() {
            return ngrams.size();
        }
    }

    static final double EMBEDDING_SCALE = Math.sqrt(384);

    private final Params params;

    public Trainer(Params params) {
        this.params = params;
    }

    public Params params() {
        return params;
    }

    /** Normalises and windows each example and looks up its window embeddings (blocking; cached by the caller). */
    List<Prepared> prepare(List<Dataset.Example> examples, Function<String, float[]> embed) {
        return prepare(examples, embed, e -> Source.USER, RuleSet.builtIn());
    }

    /**
     * As {@link #prepare(List, Function)}, with each example's source (which the stacked combiner sees) and its
     * rule score under {@code rules} (the score of the rule signals alone, as the scanner computes it).
     */
    List<Prepared> prepare(
            List<Dataset.Example> examples,
            Function<String, float[]> embed,
            Function<Dataset.Example, Source> sourceOf,
            RuleSet rules) {
        FirewallEngine rulesOnly = new FirewallEngine(rules, null, null, FirewallEngine.Settings.defaults());
        List<Prepared> out = new ArrayList<>(examples.size());
        for (Dataset.Example e : examples) {
            Source source = sourceOf.apply(e);
            double ruleScore = rulesOnly.scanRulesOnly(e.text(), source).score();
            TextNormalizer.Normalized n = TextNormalizer.normalize(e.text());
            List<NgramFeatures.Sparse> ngrams = new ArrayList<>();
            List<float[]> embeddings = new ArrayList<>();
            if (!n.clean().isBlank()) {
                for (int[] w : Detectors.windows(n.clean(), params.windowSize(), params.windowStride())) {
                    ngrams.add(NgramFeatures.extract(
                            n.folded(), n.foldedIndexOf(w[0]), n.foldedIndexOf(w[1]), params.bits()));
                    embeddings.add(embed.apply(n.clean().substring(w[0], w[1])));
                }
            }
            out.add(new Prepared(e, ngrams, embeddings, ruleScore, source == Source.TOOL));
        }
        return out;
    }

    /** The trained model; {@code groups} are the examples' groups for the inner split. */
    FirewallModel train(
            List<Prepared> data, int[] groups, String dataFile, String sha256, Map<String, Object> metrics) {
        Base base = fitBase(data);
        // inner grouped split: out-of-fold n-gram logits for the cascade threshold
        int k = params.innerFolds();
        int[] fold = foldsOf(groups, k);
        double[][] oofNgram = new double[data.size()][];
        double[][] oofEmbedding = new double[data.size()][];
        for (int f = 0; f < k; f++) {
            List<Prepared> train = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                if (fold[i] != f) {
                    train.add(data.get(i));
                }
            }
            Base inner = fitBase(train);
            for (int i = 0; i < data.size(); i++) {
                if (fold[i] == f) {
                    oofNgram[i] = inner.ngramLogits(data.get(i));
                    oofEmbedding[i] = inner.embeddingLogits(data.get(i));
                }
            }
        }
        double low = cascadeLow(data, oofNgram);
        NeighbourFeatures neighbours = neighbours(data, fold, oofNgram, oofEmbedding);
        FirewallModel.Stack stack = fitStack(data, oofNgram, oofEmbedding, neighbours.outOfFold(), low);
        return new FirewallModel(
                3,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                new FirewallModel.Training(dataFile, sha256, data.size(), params.seed(), params.asMap()),
                new FirewallModel.Windows(params.windowSize(), params.windowStride()),
                new FirewallModel.Ngram(params.bits(), base.ngramBias, FirewallModel.Ngram.encode(base.ngramWeights)),
                new FirewallModel.Embedding(
                        dev.warden.embedding.TextEmbedder.MODEL_NAME, base.embeddingBias, boxed(base.embeddingWeights)),
                new FirewallModel.Cascade(low),
                metrics,
                stack,
                neighbours.index().encode());
    }

    /** The neighbour index of a model, and each training window's features from the vectors outside its inner fold. */
    private record NeighbourFeatures(NeighbourIndex index, double[][][] outOfFold) {}

    /**
     * The windows the nearest-neighbour features compare against: every benign window, and of each attack its one
     * window that the out-of-fold detectors find most suspicious (the rest of a long attack, such as the untouched
     * part of an email with one injected line, is not itself an attack). A training window's own features leave out
     * the vectors of its inner fold, as its detectors' log-odds do.
     */
    private static NeighbourFeatures neighbours(
            List<Prepared> data, int[] fold, double[][] oofNgram, double[][] oofEmbedding) {
        List<float[]> attackVectors = new ArrayList<>();
        List<float[]> benignVectors = new ArrayList<>();
        List<Integer> attackFolds = new ArrayList<>();
        List<Integer> benignFolds = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            boolean attack = data.get(i).example().attack();
            List<float[]> vectors = data.get(i).embeddings();
            if (attack && vectors.size() > 1) {
                double[] suspicion = new double[vectors.size()];
                for (int w = 0; w < suspicion.length; w++) {
                    suspicion[w] = Math.min(oofNgram[i][w], oofEmbedding[i][w]);
                }
                vectors = List.of(vectors.get(argmax(suspicion)));
            }
            for (float[] v : vectors) {
                (attack ? attackVectors : benignVectors).add(v);
                (attack ? attackFolds : benignFolds).add(fold[i]);
            }
        }
        NeighbourIndex index = NeighbourIndex.of(attackVectors, benignVectors);
        int[] vectorFold = Stream.concat(attackFolds.stream(), benignFolds.stream())
                .mapToInt(Integer::intValue)
                .toArray();
        double[][][] oofNeighbours = new double[data.size()][][];
        for (int i = 0; i < data.size(); i++) {
            int own = fold[i];
            List<float[]> windows = data.get(i).embeddings();
            oofNeighbours[i] = new double[windows.size()][];
            for (int w = 0; w < windows.size(); w++) {
                oofNeighbours[i][w] = index.features(windows.get(w), j -> vectorFold[j] != own);
            }
        }
        return new NeighbourFeatures(index, oofNeighbours);
    }

    private static List<Double> boxed(double[] w) {
        List<Double> out = new ArrayList<>(w.length);
        for (double d : w) {
            out.add((double) (float) d);
        }
        return out;
    }

    /** Greedy balanced assignment of groups to k folds (groups in order of first appearance). */
    static int[] foldsOf(int[] groups, int k) {
        Map<Integer, Integer> size = new LinkedHashMap<>();
        for (int g : groups) {
            size.merge(g, 1, Integer::sum);
        }
        List<Integer> order = new ArrayList<>(size.keySet());
        order.sort((a, b) -> size.get(b) - size.get(a) != 0 ? size.get(b) - size.get(a) : a - b);
        int[] load = new int[k];
        Map<Integer, Integer> foldOf = new LinkedHashMap<>();
        for (int g : order) {
            int best = 0;
            for (int f = 1; f < k; f++) {
                if (load[f] < load[best]) {
                    best = f;
                }
            }
            foldOf.put(g, best);
            load[best] += size.get(g);
        }
        int[] fold = new int[groups.length];
        for (int i = 0; i < groups.length; i++) {
            fold[i] = foldOf.get(groups[i]);
        }
        return fold;
    }

    /** The two detectors before stacking. */
    final class Base {
        float[] ngramWeights;
        double ngramBias;
        double[] embeddingWeights;
        double embeddingBias;

        double[] ngramLogits(Prepared p) {
            double[] z = new double[p.windows()];
            for (int w = 0; w < z.length; w++) {
                z[w] = ngramBias + p.ngrams().get(w).dot(ngramWeights);
            }
            return z;
        }

        double[] embeddingLogits(Prepared p) {
            double[] z = new double[p.windows()];
            for (int w = 0; w < z.length; w++) {
                double s = embeddingBias;
                float[] e = p.embeddings().get(w);
                for (int d = 0; d < e.length; d++) {
                    s += embeddingWeights[d] * e[d];
                }
                z[w] = s;
            }
            return z;
        }
    }

    /** One training instance: a window, its label and weight. */
    private record Instance(int example, int window, boolean positive, double weight) {}

    Base fitBase(List<Prepared> data) {
        Base base = new Base();
        List<Instance> ngramSet = initialInstances(data);
        List<Instance> embeddingSet = ngramSet;
        int rounds = Math.max(params.milRounds(), params.embeddingMilRounds());
        for (int round = 0; round <= rounds; round++) {
            if (round <= params.milRounds()) {
                fitNgram(base, data, balance(ngramSet));
            }
            if (round <= params.embeddingMilRounds()) {
                fitEmbedding(base, data, balance(embeddingSet));
            }
            if (round < params.milRounds()) {
                ngramSet = mostSuspicious(data, base::ngramLogits);
            }
            if (round < params.embeddingMilRounds()) {
                embeddingSet = mostSuspicious(data, base::embeddingLogits);
            }
        }
        return base;
    }

    private static List<Instance> initialInstances(List<Prepared> data) {
        List<Instance> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Prepared p = data.get(i);
            int k = p.windows();
            for (int w = 0; w < k; w++) {
                out.add(new Instance(i, w, p.example().attack(), p.example().attack() ? 1.0 / k : 1.0));
            }
        }
        return out;
    }

    private static List<Instance> mostSuspicious(List<Prepared> data, Function<Prepared, double[]> logits) {
        List<Instance> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Prepared p = data.get(i);
            if (p.windows() == 0) {
                continue;
            }
            if (!p.example().attack()) {
                for (int w = 0; w < p.windows(); w++) {
                    out.add(new Instance(i, w, false, 1.0));
                }
            } else {
                out.add(new Instance(i, argmax(logits.apply(p)), true, 1.0));
            }
        }
        return out;
    }

    /** Scales weights so both classes weigh half, and the total equals the number of instances. */
    private static List<Instance> balance(List<Instance> set) {
        double pos = 0;
        double neg = 0;
        for (Instance x : set) {
            if (x.positive()) {
                pos += x.weight();
            } else {
                neg += x.weight();
            }
        }
        double n = set.size();
        List<Instance> out = new ArrayList<>(set.size());
        for (Instance x : set) {
            double scale = x.positive() ? n / (2 * pos) : n / (2 * neg);
            out.add(new Instance(x.example(), x.window(), x.positive(), x.weight() * scale));
        }
        return out;
    }

    /** SGD with L2 (weights kept as scale · v for cheap decay), a fixed seed for the order. */
    private void fitNgram(Base base, List<Prepared> data, List<Instance> set) {
        float[] v = new float[1 << params.bits()];
        double scale = 1;
        double bias = 0;
        double lambda = params.ngramLambda();
        Random random = new Random(params.seed());
        int[] order = new int[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long t = 0;
        for (int epoch = 0; epoch < params.ngramEpochs(); epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int idx : order) {
                Instance x = set.get(idx);
                NgramFeatures.Sparse f = data.get(x.example()).ngrams().get(x.window());
                double rate = params.ngramRate() / (1 + params.ngramRate() * lambda * t);
                double z = bias + scale * f.dot(v);
                double g = x.weight() * ((x.positive() ? 1 : 0) - Detectors.sigmoid(z));
                scale *= 1 - rate * lambda;
                if (scale < 1e-6) {
                    for (int k = 0; k < v.length; k++) {
                        v[k] *= (float) scale;
                    }
                    scale = 1;
                }
                float step = (float) (rate * g / scale);
                int[] index = f.index();
                float[] value = f.value();
                for (int k = 0; k < index.length; k++) {
                    v[index[k]] += step * value[k];
                }
                bias += rate * g * 0.1;
                t++;
            }
        }
        for (int k = 0; k < v.length; k++) {
            v[k] *= (float) scale;
        }
        base.ngramWeights = v;
        base.ngramBias = bias;
    }

    /** Newton's method (IRLS) with L2 on the scaled embedding; the bias is not penalised. */
    private void fitEmbedding(Base base, List<Prepared> data, List<Instance> set) {
        int d = 384 + 1;
        double[] beta = new double[d];
        double[][] x = new double[set.size()][];
        for (int i = 0; i < x.length; i++) {
            Instance in = set.get(i);
            float[] e = data.get(in.example()).embeddings().get(in.window());
            double[] row = new double[d];
            for (int k = 0; k < 384; k++) {
                row[k] = e[k] * EMBEDDING_SCALE;
            }
            row[384] = 1;
            x[i] = row;
        }
        for (int iter = 0; iter < 10; iter++) {
            double[][] h = new double[d][d];
            double[] g = new double[d];
            for (int i = 0; i < x.length; i++) {
                double[] row = x[i];
                double z = 0;
                for (int k = 0; k < d; k++) {
                    z += beta[k] * row[k];
                }
                double p = Detectors.sigmoid(z);
                Instance in = set.get(i);
                double w = in.weight() * Math.max(p * (1 - p), 1e-9);
                double r = in.weight() * ((in.positive() ? 1 : 0) - p);
                for (int a = 0; a < d; a++) {
                    double ra = row[a];
                    g[a] += r * ra;
                    double wa = w * ra;
                    double[] ha = h[a];
                    for (int b = a; b < d; b++) {
                        ha[b] += wa * row[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    h[a][b] = h[b][a];
                }
                if (a < 384) {
                    h[a][a] += params.embeddingLambda();
                    g[a] -= params.embeddingLambda() * beta[a];
                } else {
                    h[a][a] += 1e-6;
                }
            }
            double[] step = solve(h, g);
            double change = 0;
            for (int k = 0; k < d; k++) {
                beta[k] += step[k];
                change = Math.max(change, Math.abs(step[k]));
            }
            if (change < 1e-6) {
                break;
            }
        }
        double[] w = new double[384];
        for (int k = 0; k < 384; k++) {
            w[k] = beta[k] * EMBEDDING_SCALE;
        }
        base.embeddingWeights = w;
        base.embeddingBias = beta[384];
    }

    /** Solves the symmetric positive definite system {@code a x = b} (Cholesky). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    static final double BLOCK = 0.6;

    /** The stack features of each window of a prepared text, from the given per-window log-odds. */
    private static double[][] stackFeatures(Prepared p, double[] ngram, double[] embedding, double[][] neighbours) {
        double[][] x = new double[p.windows()][];
        for (int w = 0; w < x.length; w++) {
            x[w] = FirewallModel.Stack.features(
                    p.ruleScore(),
                    ngram[w],
                    embedding[w],
                    p.tool(),
                    p.example().text().length(),
                    neighbours[w]);
        }
        return x;
    }

    /** The index of the largest value (the first of equal ones). */
    static int argmax(double[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * The stacked combiner, on out-of-fold log-odds: a logistic regression over window features (benign windows
     * negative with weight 1/k, an attack's most suspicious window positive; classes balanced; two rounds of
     * multiple-instance learning), then its bias shifted so that at most {@code stackBenignBlock} of the benign
     * training texts would score at or above the block threshold (with their rule score, windows the cascade clears
     * left out).
     */
    private FirewallModel.Stack fitStack(
            List<Prepared> data, double[][] ngram, double[][] embedding, double[][][] neighbours, double low) {
        int d = FirewallModel.Stack.FEATURES.size();
        double[][][] x = new double[data.size()][][];
        for (int i = 0; i < data.size(); i++) {
            x[i] = stackFeatures(data.get(i), ngram[i], embedding[i], neighbours[i]);
        }
        double[] beta = null;
        for (int round = 0; round <= 2; round++) {
            List<double[]> rows = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                if (x[i].length == 0) {
                    continue;
                }
                if (data.get(i).example().attack()) {
                    double[] suspicion = new double[x[i].length];
                    for (int w = 0; w < suspicion.length; w++) {
                        suspicion[w] = beta == null ? x[i][w][3] : dot(beta, x[i][w]);
                    }
                    rows.add(x[i][argmax(suspicion)]);
                    labels.add(true);
                    weights.add(1.0);
                } else {
                    for (double[] row : x[i]) {
                        rows.add(row);
                        labels.add(false);
                        weights.add(1.0 / x[i].length);
                    }
                }
            }
            double pos = 0;
            double neg = 0;
            for (int k = 0; k < rows.size(); k++) {
                if (labels.get(k)) {
                    pos += weights.get(k);
                } else {
                    neg += weights.get(k);
                }
            }
            for (int k = 0; k < rows.size(); k++) {
                weights.set(k, weights.get(k) * rows.size() / (2 * (labels.get(k) ? pos : neg)));
            }
            beta = newton(rows, labels, weights, params.stackLambda(), d);
        }
        // bias shift: the benign texts' margins to the block threshold
        List<Double> margins = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            Prepared p = data.get(i);
            if (p.example().attack() || p.ruleScore() >= BLOCK) {
                continue;
            }
            double max = -99;
            for (int w = 0; w < x[i].length; w++) {
                if (Detectors.sigmoid(ngram[i][w]) > low) {
                    max = Math.max(max, dot(beta, x[i][w]));
                }
            }
            double need = 1 - (1 - BLOCK) / (1 - p.ruleScore());
            margins.add(max - Math.log(need / (1 - need)));
        }
        margins.sort((a, b) -> Double.compare(b, a));
        double shift = 0;
        if (!margins.isEmpty()) {
            int k = (int) (params.stackBenignBlock() * margins.size());
            shift = Math.min(-margins.get(Math.min(k, margins.size() - 1)) - 1e-6, 5);
        }
        List<Double> weights = new ArrayList<>(d);
        for (int k = 0; k < d; k++) {
            weights.add(beta[k] + (k == d - 1 ? shift : 0));
        }
        return new FirewallModel.Stack(FirewallModel.Stack.FEATURES, weights, params.stackBenignBlock(), BLOCK);
    }

    /** Newton's method for a weighted logistic regression with L2 {@code lambda} (the last feature, the bias, free). */
    static double[] newton(List<double[]> rows, List<Boolean> labels, List<Double> weights, double lambda, int d) {
        double[] beta = new double[d];
        for (int iter = 0; iter < 50; iter++) {
            double[][] h = new double[d][d];
            double[] g = new double[d];
            for (int i = 0; i < rows.size(); i++) {
                double[] row = rows.get(i);
                double p = Detectors.sigmoid(dot(beta, row));
                double w = weights.get(i) * Math.max(p * (1 - p), 1e-9);
                double r = weights.get(i) * ((labels.get(i) ? 1 : 0) - p);
                for (int a = 0; a < d; a++) {
                    g[a] += r * row[a];
                    for (int b = 0; b < d; b++) {
                        h[a][b] += w * row[a] * row[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                double l = a < d - 1 ? 2 * lambda : 1e-6;
                h[a][a] += l;
                g[a] -= a < d - 1 ? 2 * lambda * beta[a] : 0;
            }
            double[] step = solve(h, g);
            double change = 0;
            for (int k = 0; k < d; k++) {
                beta[k] += step[k];
                change = Math.max(change, Math.abs(step[k]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        return beta;
    }

    /** The n-gram probability at or below which the n-gram model clears a window alone. */
    private double cascadeLow(List<Prepared> data, double[][] ngram) {
        List<Double> attackMax = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (ngram[i].length > 0 && data.get(i).example().attack()) {
                attackMax.add(Detectors.sigmoid(Arrays.stream(ngram[i]).max().orElse(-30)));
            }
        }
        attackMax.sort(Double::compare);
        double low = attackMax.isEmpty()
                ? 0
                : attackMax.get((int) Math.floor(params.cascadeMiss() * (attackMax.size() - 1)));
        return Math.min(low, 0.5);
    }
}
