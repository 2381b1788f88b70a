package dev.warden.firewall.training;

import dev.warden.firewall.FirewallEngine;
import dev.warden.firewall.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Verdicts on labelled examples, summarised as the issue asks: recall, false-positive rate, precision, F1, latency. */
public final class Evaluation {

    /** One example's verdict and what it cost. */
    public record Outcome(Dataset.Example example, FirewallEngine.Scan scan, long nanos) {
        boolean blocked() {
            return scan.verdict().action() == Verdict.Action.BLOCK;
        }

        boolean flaggedOrBlocked() {
            return scan.verdict().action() != Verdict.Action.ALLOW;
        }
    }

    /** Counts and rates of one slice of the outcomes. */
    public record Summary(
            int attacks,
            int benign,
            double recall,
            double falsePositiveRate,
            double precision,
            double f1,
            double flaggedAttacks,
            double flaggedBenign,
            double embeddedWindowShare) {

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attacks", attacks);
            m.put("benign", benign);
            m.put("recall", round(recall));
            m.put("falsePositiveRate", round(falsePositiveRate));
            m.put("precision", round(precision));
            m.put("f1", round(f1));
            m.put("attacksFlaggedOrBlocked", round(flaggedAttacks));
            m.put("benignFlaggedOrBlocked", round(flaggedBenign));
            m.put("embeddedWindowShare", round(embeddedWindowShare));
            return m;
        }
    }

    private Evaluation() {}

    static double round(double d) {
        return Double.isNaN(d) ? d : Math.round(d * 10_000) / 10_000.0;
    }

    public static Summary summarise(List<Outcome> outcomes) {
        int attacks = 0;
        int benign = 0;
        int tp = 0;
        int fp = 0;
        int flaggedA = 0;
        int flaggedB = 0;
        long windows = 0;
        long embedded = 0;
        for (Outcome o : outcomes) {
            windows += o.scan().windows();
            embedded += o.scan().embedded();
            if (o.example().attack()) {
                attacks++;
                tp += o.blocked() ? 1 : 0;
                flaggedA += o.flaggedOrBlocked() ? 1 : 0;
            } else {
                benign++;
                fp += o.blocked() ? 1 : 0;
                flaggedB += o.flaggedOrBlocked() ? 1 : 0;
            }
        }
        double recall = attacks == 0 ? Double.NaN : tp / (double) attacks;
        double fpr = benign == 0 ? Double.NaN : fp / (double) benign;
        double precision = tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp);
        double f1 = Double.isNaN(precision) || Double.isNaN(recall) || precision + recall == 0
                ? Double.NaN
                : 2 * precision * recall / (precision + recall);
        return new Summary(
                attacks,
                benign,
                recall,
                fpr,
                precision,
                f1,
                attacks == 0 ? Double.NaN : flaggedA / (double) attacks,
                benign == 0 ? Double.NaN : flaggedB / (double) benign,
                windows == 0 ? 0 : embedded / (double) windows);
    }

    /** Length bands the figures are reported by (characters). */
    static String band(String text) {
        int n = text.length();
        if (n <= 100) {
            return "0-100";
        }
        if (n <= 300) {
            return "101-300";
        }
        if (n <= 1000) {
            return "301-1000";
        }
        return "1001+";
    }

    static Map<String, Summary> by(List<Outcome> outcomes, Function<Outcome, String> key) {
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            groups.computeIfAbsent(key.apply(o), k -> new ArrayList<>()).add(o);
        }
        Map<String, Summary> out = new LinkedHashMap<>();
        groups.keySet().stream().sorted().forEach(k -> out.put(k, summarise(groups.get(k))));
        return out;
    }

    static Map<String, Summary> byBand(List<Outcome> outcomes) {
        Map<String, Summary> raw = by(outcomes, o -> band(o.example().text()));
        Map<String, Summary> ordered = new LinkedHashMap<>();
        for (String b : List.of("0-100", "101-300", "301-1000", "1001+")) {
            if (raw.containsKey(b)) {
                ordered.put(b, raw.get(b));
            }
        }
        return ordered;
    }

    /** p50 and p99 of the scan times, in milliseconds. */
    static double[] latencyMillis(List<Outcome> outcomes) {
        long[] nanos = outcomes.stream().mapToLong(Outcome::nanos).sorted().toArray();
        return new double[] {percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6};
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** A printable report: overall, by length band and by kind. */
    static String report(String title, List<Outcome> outcomes, boolean withLatency) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(String.format(
                "%-22s %7s %7s %8s %8s %9s %7s %9s %9s %9s%n",
                "slice",
                "attacks",
                "benign",
                "recall",
                "FPR",
                "precision",
                "F1",
                "flag+blk A",
                "flag+blk B",
                "embedded"));
        row(sb, "all", summarise(outcomes));
        byBand(outcomes).forEach((k, v) -> row(sb, "length " + k, v));
        if (outcomes.stream().anyMatch(o -> !o.example().kind().isEmpty())) {
            by(outcomes, o -> o.example().kind()).forEach((k, v) -> row(sb, "kind " + k, v));
        }
        if (withLatency) {
            double[] l = latencyMillis(outcomes);
            sb.append(
                    String.format("scan latency: p50 %.2f ms, p99 %.2f ms (%d scans)%n", l[0], l[1], outcomes.size()));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Summary s) {
        sb.append(String.format(
                "%-22s %7d %7d %8s %8s %9s %7s %9s %9s %9s%n",
                name,
                s.attacks(),
                s.benign(),
                pct(s.recall()),
                pct(s.falsePositiveRate()),
                pct(s.precision()),
                pct(s.f1()),
                pct(s.flaggedAttacks()),
                pct(s.flaggedBenign()),
                pct(s.embeddedWindowShare())));
    }

    static String pct(double d) {
        return Double.isNaN(d) ? "-" : String.format("%.1f%%", d * 100);
    }

    static Map<String, Object> asMap(List<Outcome> outcomes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("all", summarise(outcomes).asMap());
        Map<String, Object> bands = new LinkedHashMap<>();
        byBand(outcomes).forEach((k, v) -> bands.put(k, v.asMap()));
        m.put("byLength", bands);
        Map<String, Object> kinds = new LinkedHashMap<>();
        by(outcomes, o -> o.example().kind()).forEach((k, v) -> kinds.put(k, v.asMap()));
        m.put("byKind", kinds);
        return m;
    }

    static long[] sortedNanos(List<Outcome> outcomes) {
        long[] n = outcomes.stream().mapToLong(Outcome::nanos).toArray();
        Arrays.sort(n);
        return n;
    }
}
