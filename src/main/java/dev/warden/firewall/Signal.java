package dev.warden.firewall;

/**
 * One reason behind a verdict: a rule or detector that matched, or a model's probability.
 *
 * @param id the rule id (see {@code firewall/rules.yaml}), {@code model.ngram} or {@code model.embedding}
 * @param weight how much it counts, 0..1
 * @param excerpt a short piece of the text that triggered it (for decoded payloads, of the decoded text)
 */
public record Signal(String id, double weight, String excerpt) {}
