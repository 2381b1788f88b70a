package dev.warden.firewall;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * One rule as written in {@code firewall/rules.yaml} or an operator's rules file. In an override, fields left out
 * keep the built-in rule's values ({@code weight} alone also clears the per-source {@code weights}).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = false)
public record RuleDefinition(
        String id,
        String category,
        Double weight,
        Map<String, Double> weights,
        String description,
        Boolean detector,
        List<String> keywords,
        List<String> patterns,
        @JsonProperty("compact-patterns") List<String> compactPatterns,
        List<String> hits,
        List<String> misses) {

    /** The top level of a rules file: {@code rules: [...]}. */
    @RegisterForReflection
    public record File(List<RuleDefinition> rules) {}

    /** This rule with every field {@code override} gives replaced. */
    RuleDefinition overriddenBy(RuleDefinition override) {
        return new RuleDefinition(
                id,
                pick(override.category, category),
                pick(override.weight, weight),
                override.weight != null && override.weights == null ? null : pick(override.weights, weights),
                pick(override.description, description),
                pick(override.detector, detector),
                pick(override.keywords, keywords),
                pick(override.patterns, patterns),
                pick(override.compactPatterns, compactPatterns),
                pick(override.hits, hits),
                pick(override.misses, misses));
    }

    private static <T> T pick(T override, T base) {
        return override != null ? override : base;
    }
}
