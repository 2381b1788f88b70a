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

    private RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.active = rules.stream()
                .filter(r -> !r.detector() && r.activeForSomeSource())
                .toList();
        Map<String, Rule> map = new LinkedHashMap<>();
        rules.forEach(r -> map.put(r.id(), r));
        this.byId = Map.copyOf(map);
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
     * some source runs (the caller applies the weight of its source).
     */
    public List<Hit> match(TextNormalizer.Normalized text) {
        List<Hit> hits = new ArrayList<>();
        String folded = text.folded();
        String compact = text.compact();
        for (Rule rule : active) {
            boolean noKeywords = rule.keywords().isEmpty();
            Hit hit = null;
            if (noKeywords || containsAny(folded, rule.keywords())) {
                hit = firstHit(rule, rule.patterns(), folded, false);
            }
            if (hit == null
                    && !rule.compactPatterns().isEmpty()
                    && (noKeywords || containsAny(compact, rule.compactKeywords()))) {
                hit = firstHit(rule, rule.compactPatterns(), compact, true);
            }
            if (hit != null) {
                hits.add(hit);
            }
        }
        return hits;
    }

    private static Hit firstHit(Rule rule, List<Pattern> patterns, String text, boolean compact) {
        for (Pattern p : patterns) {
            Matcher m = p.matcher(text);
            if (m.find()) {
                return new Hit(rule, compact, m.start(), m.end());
            }
        }
        return null;
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
