package dev.warden.firewall;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The firewall's rules, compiled: the built-in {@code firewall/rules.yaml} merged with an operator's file. Patterns are
 * RE2 (RE2/J), so matching is linear in the input whatever the pattern: no rule can backtrack catastrophically.
 */
public final class RuleSet {

    static final String BUILT_IN = "firewall/rules.yaml";

    /** A rule ready to match. {@code detector} rules carry only a weight for a signal computed in code. */
    public record Rule(
            String id,
            String category,
            double weight,
            Map<Source, Double> sourceWeights,
            String description,
            boolean detector,
            List<String> keywords,
            List<Pattern> patterns,
            List<Pattern> compactPatterns,
            List<String> hits,
            List<String> misses,
            List<String> compactKeywords) {

        /** The weight for texts from {@code source}: its entry in {@code weights}, else {@code weight}. */
        public double weight(Source source) {
            return sourceWeights.getOrDefault(source, weight);
        }

        boolean activeForSomeSource() {
            return weight > 0 || sourceWeights.values().stream().anyMatch(w -> w > 0);
        }
    }

    /** A rule's first match in one normalised text: {@code [start, end)} of {@code folded} or {@code compact}. */
    public record Hit(Rule rule, boolean compact, int start, int end) {}

    private final List<Rule> rules;
    private final List<Rule> active;
    private final Map<String, Rule> byId;
    private final Index foldedIndex = new Index();
    private final Index compactIndex = new Index();

    private RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.active = rules.stream()
                .filter(r -> !r.detector() && r.activeForSomeSource())
                .toList();
        Map<String, Rule> map = new LinkedHashMap<>();
        rules.forEach(r -> map.put(r.id(), r));
        this.byId = Map.copyOf(map);
        for (int r = 0; r < active.size(); r++) {
            for (Pattern p : active.get(r).patterns()) {
                foldedIndex.add(r, p);
            }
            for (Pattern p : active.get(r).compactPatterns()) {
                compactIndex.add(r, p);
            }
        }
    }

    /** A rule set of exactly these rules. */
    static RuleSet of(List<Rule> rules) {
        return new RuleSet(rules);
    }

    /** The built-in rules only. */
    public static RuleSet builtIn() {
        return load(Optional.empty());
    }

    /**
     * The built-in rules, overridden and extended by {@code overrides} when given.
     *
     * @throws IllegalArgumentException when a file cannot be read or a rule is invalid (the message names it)
     */
    public static RuleSet load(Optional<Path> overrides) {
        Map<String, RuleDefinition> merged = new LinkedHashMap<>();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BUILT_IN)) {
            InputStream stream =
                    in != null ? in : RuleSet.class.getClassLoader().getResourceAsStream(BUILT_IN);
            if (stream == null) {
                throw new IllegalStateException("Missing resource " + BUILT_IN);
            }
            for (RuleDefinition d : parse(stream.readAllBytes(), BUILT_IN)) {
                merged.put(d.id(), d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (overrides.isPresent()) {
            Path path = overrides.get();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "Cannot read firewall rules file " + path + ": " + e.getMessage(), e);
            }
            for (RuleDefinition d : parse(bytes, path.toString())) {
                RuleDefinition base = merged.get(d.id());
                merged.put(d.id(), base == null ? d : base.overriddenBy(d));
            }
        }
        List<Rule> compiled = new ArrayList<>();
        for (RuleDefinition d : merged.values()) {
            compiled.add(compile(d));
        }
        return new RuleSet(compiled);
    }

    static List<RuleDefinition> parse(byte[] yaml, String origin) {
        ObjectMapper mapper =
                new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        RuleDefinition.File file;
        try {
            file = mapper.readValue(yaml, RuleDefinition.File.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid firewall rules file " + origin + ": " + e.getMessage(), e);
        }
        if (file == null || file.rules() == null) {
            return List.of();
        }
        for (RuleDefinition d : file.rules()) {
            if (d == null || d.id() == null || d.id().isBlank()) {
                throw new IllegalArgumentException("A rule in " + origin + " has no id");
            }
        }
        return file.rules();
    }

    private static Rule compile(RuleDefinition d) {
        double weight = d.weight() == null ? 0.5 : d.weight();
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("Firewall rule " + d.id() + ": weight must be within 0..1");
        }
        Map<Source, Double> sourceWeights = new java.util.EnumMap<>(Source.class);
        if (d.weights() != null) {
            for (Map.Entry<String, Double> e : d.weights().entrySet()) {
                Source source;
                try {
                    source = Source.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("Firewall rule " + d.id() + ": weights has unknown source "
                            + e.getKey() + " (user, tool, memory)");
                }
                double w = e.getValue() == null ? 0 : e.getValue();
                if (!(w >= 0 && w <= 1)) {
                    throw new IllegalArgumentException("Firewall rule " + d.id() + ": weight must be within 0..1");
                }
                sourceWeights.put(source, w);
            }
        }
        boolean detector = Boolean.TRUE.equals(d.detector());
        List<Pattern> patterns = compileAll(d.id(), d.patterns());
        List<Pattern> compact = compileAll(d.id(), d.compactPatterns());
        if (!detector && patterns.isEmpty() && compact.isEmpty()) {
            throw new IllegalArgumentException("Firewall rule " + d.id() + " has no patterns");
        }
        List<String> keywords = d.keywords() == null
                ? List.of()
                : d.keywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        return new Rule(
                d.id(),
                d.category() == null ? "custom" : d.category(),
                weight,
                Map.copyOf(sourceWeights),
                d.description() == null ? "" : d.description(),
                detector,
                keywords,
                patterns,
                compact,
                d.hits() == null ? List.of() : d.hits(),
                d.misses() == null ? List.of() : d.misses(),
                keywords.stream()
                        .map(k -> k.replaceAll("[^a-z0-9]", ""))
                        .filter(k -> !k.isEmpty())
                        .toList());
    }

    private static List<Pattern> compileAll(String id, List<String> sources) {
        if (sources == null) {
            return List.of();
        }
        List<Pattern> out = new ArrayList<>();
        for (String s : sources) {
            try {
                out.add(Pattern.compile(s, Pattern.CASE_INSENSITIVE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Firewall rule " + id + ": invalid pattern: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The default weight of rule or detector {@code id}; 0 when it is absent or disabled. */
    public double weight(String id) {
        Rule r = byId.get(id);
        return r == null ? 0 : r.weight();
    }

    /** The weight of rule or detector {@code id} for texts from {@code source}; 0 when absent or disabled. */
    public double weight(String id, Source source) {
        Rule r = byId.get(id);
        return r == null ? 0 : r.weight(source);
    }

    /**
     * Each rule's first match in {@code text}, at most one hit per rule; every rule that has a positive weight for
     * some source runs (the caller applies the weight of its source). Patterns are tried only where one of their
     * {@link Anchors} occurs (anchored, over at most {@value #MAX_SPAN} characters); patterns without anchors run over
     * the whole text.
     */
    public List<Hit> match(TextNormalizer.Normalized text) {
        Hit[] hits = new Hit[active.size()];
        scan(foldedIndex, text.folded(), false, hits);
        scan(compactIndex, text.compact(), true, hits);
        List<Hit> out = new ArrayList<>();
        for (Hit h : hits) {
            if (h != null) {
                out.add(h);
            }
        }
        return out;
    }

    /** Longest stretch of text one anchored attempt reads. */
    static final int MAX_SPAN = 2000;

    private void scan(Index index, String text, boolean compact, Hit[] hits) {
        if (index.entries.isEmpty()) {
            return;
        }
        // Whether each rule's keywords occur, worked out on the rule's first candidate (0 unknown, 1 yes, 2 no).
        byte[] eligible = new byte[active.size()];
        for (Entry e : index.fullScan) {
            if (hits[e.rule] == null && eligible(e.rule, text, compact, eligible)) {
                Matcher m = e.pattern.matcher(text);
                if (m.find()) {
                    hits[e.rule] = new Hit(active.get(e.rule), compact, m.start(), m.end());
                }
            }
        }
        for (Entry e : index.textStart) {
            if (hits[e.rule] == null && eligible(e.rule, text, compact, eligible)) {
                attempt(e, text, 0, compact, hits);
            }
        }
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            Bucket bucket = c < 128 ? index.ascii[c] : index.other.get(c);
            if (bucket == null) {
                continue;
            }
            Ref[] refs = bucket.candidates(text, i);
            if (refs == null) {
                continue;
            }
            boolean boundary = i == 0 || !Anchors.isWordChar(text.charAt(i - 1));
            for (Ref ref : refs) {
                Entry e = ref.entry;
                if (hits[e.rule] != null
                        || (ref.wordStart && !boundary)
                        || !matchesAt(text, i, ref.literal)
                        || !eligible(e.rule, text, compact, eligible)) {
                    continue;
                }
                attempt(e, text, i, compact, hits);
            }
        }
    }

    private boolean eligible(int r, String text, boolean compact, byte[] known) {
        if (known[r] == 0) {
            Rule rule = active.get(r);
            List<String> keywords = compact ? rule.compactKeywords() : rule.keywords();
            known[r] = rule.keywords().isEmpty() || containsAny(text, keywords) ? (byte) 1 : (byte) 2;
        }
        return known[r] == 1;
    }

    /** {@code text.startsWith(literal, at)}, comparing by hand: literals are short, the intrinsic's setup is not. */
    private static boolean matchesAt(String text, int at, String literal) {
        int length = literal.length();
        if (at + length > text.length()) {
            return false;
        }
        for (int k = length - 1; k >= 0; k--) {
            if (text.charAt(at + k) != literal.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One anchored attempt. The JDK's engine runs it first, because it is several times faster than RE2/J on short
     * anchored attempts, but on a budget of {@value #STEP_BUDGET} character reads; past that the attempt is redone
     * with RE2/J, linear in the {@value #MAX_SPAN} characters it may read. So no input can make a rule backtrack for
     * long, whatever the pattern.
     */
    private void attempt(Entry e, String text, int at, boolean compact, Hit[] hits) {
        int end = Math.min(text.length(), at + MAX_SPAN);
        if (e.fast != null) {
            Budgeted input = new Budgeted(text, STEP_BUDGET);
            java.util.regex.Matcher m = e.fast.matcher(input);
            m.useTransparentBounds(true).useAnchoringBounds(false).region(at, end);
            try {
                if (m.lookingAt()) {
                    hits[e.rule] = new Hit(active.get(e.rule), compact, at, m.end());
                }
                return;
            } catch (Budgeted.Exhausted exhausted) {
                // fall through to the linear-time engine
            }
        }
        Matcher m = e.pattern.matcher(new Slice(text, at, end));
        if (m.lookingAt()) {
            hits[e.rule] = new Hit(active.get(e.rule), compact, at, at + m.end());
        }
    }

    /** Character reads one attempt of the JDK's engine may make before RE2/J takes over. */
    static final int STEP_BUDGET = 20_000;

    /** A string that counts the characters read from it and gives up past a budget. */
    private static final class Budgeted implements CharSequence {
        /** Thrown when the budget is spent; preallocated, without a stack trace. */
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super("step budget exhausted", null, false, false);
            }
        }

        private static final Exhausted EXHAUSTED = new Exhausted();
        private final String text;
        private int budget;

        Budgeted(String text, int budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget < 0) {
                throw EXHAUSTED;
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A window onto a string, without copying. */
    private record Slice(String text, int from, int to) implements CharSequence {
        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return text.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Slice(text, from + start, from + end);
        }

        @Override
        public String toString() {
            return text.substring(from, to);
        }
    }

    /** A pattern to match: RE2/J's, and the same pattern for the JDK's engine when it can read it. */
    private record Entry(int rule, Pattern pattern, java.util.regex.Pattern fast) {
        Entry(int rule, Pattern pattern) {
            this(rule, pattern, jdkPattern(pattern.pattern()));
        }

        private static java.util.regex.Pattern jdkPattern(String source) {
            try {
                return java.util.regex.Pattern.compile(source, java.util.regex.Pattern.CASE_INSENSITIVE);
            } catch (java.util.regex.PatternSyntaxException e) {
                return null; // RE2-only syntax: RE2/J alone runs it
            }
        }
    }

    private record Ref(Entry entry, String literal, boolean wordStart) {}

    /**
     * The anchors that start with one character, in the order they were added; and, unless one of them is that single
     * character, the same anchors by their second character (same order), so a position is tried only against the
     * anchors whose first two characters it has.
     */
    private static final class Bucket {
        final List<Ref> refs = new ArrayList<>();
        Ref[] all;
        Ref[][] asciiSecond;
        Map<Character, Ref[]> otherSecond;

        void freeze() {
            all = refs.toArray(new Ref[0]);
            asciiSecond = null;
            otherSecond = null;
            if (refs.stream().anyMatch(r -> r.literal().length() < 2)) {
                return; // tried against every anchor of the bucket, as they come
            }
            Map<Character, List<Ref>> bySecond = new LinkedHashMap<>();
            for (Ref r : refs) {
                bySecond.computeIfAbsent(r.literal().charAt(1), k -> new ArrayList<>())
                        .add(r);
            }
            asciiSecond = new Ref[128][];
            otherSecond = new java.util.HashMap<>();
            for (Map.Entry<Character, List<Ref>> e : bySecond.entrySet()) {
                Ref[] list = e.getValue().toArray(new Ref[0]);
                if (e.getKey() < 128) {
                    asciiSecond[e.getKey()] = list;
                } else {
                    otherSecond.put(e.getKey(), list);
                }
            }
        }

        /** The anchors that may match at {@code i}, whose first character is this bucket's; null when none. */
        Ref[] candidates(String text, int i) {
            if (asciiSecond == null) {
                return all;
            }
            if (i + 1 >= text.length()) {
                return null;
            }
            char second = text.charAt(i + 1);
            return second < 128 ? asciiSecond[second] : otherSecond.get(second);
        }
    }

    /** The patterns of one view, by the first character of their anchors. */
    private static final class Index {
        final List<Entry> entries = new ArrayList<>();
        final List<Entry> fullScan = new ArrayList<>();
        final List<Entry> textStart = new ArrayList<>();
        final Bucket[] ascii = new Bucket[128];
        final Map<Character, Bucket> other = new java.util.HashMap<>();

        void add(int rule, Pattern pattern) {
            Entry e = new Entry(rule, pattern);
            entries.add(e);
            List<Anchors.Anchor> anchors = Anchors.of(pattern.pattern());
            if (anchors == null) {
                fullScan.add(e);
                return;
            }
            boolean atStart = false;
            for (Anchors.Anchor a : anchors) {
                if (a.textStart()) {
                    atStart = true;
                    continue;
                }
                char c = a.literal().charAt(0);
                Ref ref = new Ref(e, a.literal(), a.wordStart());
                Bucket bucket;
                if (c < 128) {
                    if (ascii[c] == null) {
                        ascii[c] = new Bucket();
                    }
                    bucket = ascii[c];
                } else {
                    bucket = other.computeIfAbsent(c, k -> new Bucket());
                }
                bucket.refs.add(ref);
                bucket.freeze();
            }
            if (atStart) {
                textStart.add(e);
            }
        }
    }

    /** The patterns that have no anchors and so run over the whole text (built-in rules have none). */
    List<String> unanchoredPatterns() {
        List<String> out = new ArrayList<>();
        for (Index index : List.of(foldedIndex, compactIndex)) {
            for (Entry e : index.fullScan) {
                out.add(active.get(e.rule).id() + ": " + e.pattern.pattern());
            }
        }
        return out;
    }

    /** The rules that match by a plain scan of the whole text: the reference {@link #match} must agree with. */
    List<String> matchingRuleIdsByFullScan(TextNormalizer.Normalized text) {
        List<String> ids = new ArrayList<>();
        for (Rule rule : active) {
            boolean hit = false;
            for (Pattern p : rule.patterns()) {
                hit |= p.matcher(text.folded()).find();
            }
            for (Pattern p : rule.compactPatterns()) {
                hit |= p.matcher(text.compact()).find();
            }
            if (hit) {
                ids.add(rule.id());
            }
        }
        return ids;
    }

    private static boolean containsAny(String text, List<String> keywords) {
        for (String k : keywords) {
            if (text.contains(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with the rules' own examples: a {@code hits} example the rule misses, or a {@code misses} example
     * it matches. Empty when every example behaves.
     */
    public List<String> exampleProblems() {
        List<String> problems = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.detector() || !rule.activeForSomeSource()) {
                continue;
            }
            RuleSet single = new RuleSet(List.of(rule));
            for (String hit : rule.hits()) {
                if (single.match(TextNormalizer.normalize(hit)).isEmpty()) {
                    problems.add(rule.id() + " misses its example: " + hit);
                }
            }
            for (String miss : rule.misses()) {
                if (!single.match(TextNormalizer.normalize(miss)).isEmpty()) {
                    problems.add(rule.id() + " matches its near-miss: " + miss);
                }
            }
        }
        return problems;
    }
}
