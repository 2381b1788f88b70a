package dev.warden.firewall.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grouped k-fold splits, so that near-copies never sit on both sides of a split (SOURCES.md: GCG/DSN suffixes,
 * spikee's templates, BIPIA's documents shared by a clean and an attacked row).
 *
 * <ul>
 *   <li>{@code template} (default): rows that share a rare run of six words (one occurring in at most ten rows) are
 *       one group, transitively. Templates, shared suffixes, shared documents and shared injected tasks end up
 *       together; common boilerplate does not glue everything into one group.
 *   <li>{@code source}: the {@code source} field (repository and file) is the group.
 * </ul>
 *
 * Groups go to folds largest first, each to the fold with the fewest rows so far; deterministic.
 */
public final class Folds {

    private static final Pattern WORD = Pattern.compile("[a-z0-9]+");
    static final int SHINGLE = 6;
    static final int MAX_SHARED = 10;

    private Folds() {}

    /** The fold (0..k-1) of each example. */
    public static int[] assign(List<Dataset.Example> examples, int k, String groupBy) {
        int[] group = switch (groupBy) {
            case "template" -> templateGroups(examples);
            case "source" -> sourceGroups(examples);
            default -> throw new IllegalArgumentException("--group-by must be template or source");
        };
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i = 0; i < group.length; i++) {
            members.computeIfAbsent(group[i], g -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>(members.values());
        groups.sort(Comparator.comparingInt((List<Integer> g) -> -g.size()).thenComparingInt(g -> g.get(0)));
        int[] size = new int[k];
        int[] fold = new int[examples.size()];
        for (List<Integer> g : groups) {
            int best = 0;
            for (int f = 1; f < k; f++) {
                if (size[f] < size[best]) {
                    best = f;
                }
            }
            for (int i : g) {
                fold[i] = best;
            }
            size[best] += g.size();
        }
        return fold;
    }

    /** The group of each example, for inner splits of a training set. */
    public static int[] groups(List<Dataset.Example> examples, String groupBy) {
        return groupBy.equals("source") ? sourceGroups(examples) : templateGroups(examples);
    }

    static int[] sourceGroups(List<Dataset.Example> examples) {
        Map<String, Integer> ids = new HashMap<>();
        int[] g = new int[examples.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = ids.computeIfAbsent(examples.get(i).source(), s -> ids.size());
        }
        return g;
    }

    static int[] templateGroups(List<Dataset.Example> examples) {
        int n = examples.size();
        List<List<String>> shingles = new ArrayList<>();
        Map<String, Integer> df = new HashMap<>();
        for (Dataset.Example e : examples) {
            List<String> words = new ArrayList<>();
            Matcher m = WORD.matcher(e.text().toLowerCase(Locale.ROOT));
            while (m.find()) {
                words.add(m.group());
            }
            List<String> own = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i + SHINGLE <= words.size(); i++) {
                String s = String.join(" ", words.subList(i, i + SHINGLE));
                if (seen.add(s)) {
                    own.add(s);
                    df.merge(s, 1, Integer::sum);
                }
            }
            shingles.add(own);
        }
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        Map<String, Integer> owner = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String s : shingles.get(i)) {
                if (df.get(s) > MAX_SHARED) {
                    continue;
                }
                Integer o = owner.putIfAbsent(s, i);
                if (o != null) {
                    union(parent, i, o);
                }
            }
        }
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            g[i] = find(parent, i);
        }
        return g;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
