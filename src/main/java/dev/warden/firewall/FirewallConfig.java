package dev.warden.firewall;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The prompt firewall's settings, {@code warden.firewall.*} (environment: {@code WARDEN_FIREWALL_*}). */
@ConfigMapping(prefix = "warden.firewall")
public interface FirewallConfig {

    /** Screen untrusted text at all. Default {@code true}; when {@code false} every verdict is ALLOW, score 0. */
    @WithDefault("true")
    boolean enabled();

    /**
     * A YAML rules file that overrides and extends the built-in rules ({@code firewall/rules.yaml}): a rule with an
     * existing id replaces the fields it gives, weight 0 disables it, a new id adds a rule. No default.
     */
    Optional<Path> rulesFile();

    /** A model file from {@code TrainFirewall} to use instead of the built-in {@code firewall/model.json}. No default. */
    Optional<Path> modelFile();

    /**
     * Longest text scanned, in characters; the rest is not scanned and the verdict carries {@code firewall.unscanned}.
     * Default 131072.
     */
    @WithDefault("131072")
    int maxChars();

    /**
     * Most windows of one text that may pay for the embedding model, the most suspicious first; further doubtful
     * windows are judged by the cheap n-gram model alone. Six covers every window of a 4 KB text (FirewallSettingsTest)
     * and keeps a 1 MB one under 100 ms on two cores (measured: docs/firewall.md, "Latency"). Default 6.
     */
    @WithDefault("6")
    int maxEmbeddedWindows();

    /** Thresholds for the user's messages. Defaults: flag at 0.4, block at 0.6. */
    Thresholds user();

    /** Thresholds for tool results. Defaults: flag at 0.4, block at 0.6. */
    Thresholds tool();

    /** Thresholds for recalled memories. Defaults: flag at 0.4, block at 0.6. */
    Thresholds memory();

    /**
     * The engine's settings from these properties; thresholds outside {@code 0 <= flag <= block <= 1} are refused.
     * With no property set they are {@link FirewallEngine.Settings#defaults()} (FirewallSettingsTest).
     */
    default FirewallEngine.Settings settings() {
        Map<Source, FirewallEngine.Thresholds> thresholds = new EnumMap<>(Source.class);
        thresholds.put(Source.USER, checked("user", user()));
        thresholds.put(Source.TOOL, checked("tool", tool()));
        thresholds.put(Source.MEMORY, checked("memory", memory()));
        return new FirewallEngine.Settings(enabled(), maxChars(), maxEmbeddedWindows(), thresholds);
    }

    private static FirewallEngine.Thresholds checked(String name, Thresholds t) {
        if (!(t.flag() >= 0 && t.flag() <= t.block() && t.block() <= 1)) {
            throw new IllegalArgumentException("warden.firewall." + name
                    + ": thresholds must satisfy 0 <= flag <= block <= 1, got flag=" + t.flag() + " block="
                    + t.block());
        }
        return new FirewallEngine.Thresholds(t.flag(), t.block());
    }

    /** Scores at or above {@code flag} are flagged, at or above {@code block} blocked. */
    interface Thresholds {
        /** Score from which a text is flagged. Default 0.4. */
        @WithDefault("0.4")
        double flag();

        /** Score from which a text is blocked. Default 0.6 (chosen by cross-validation, docs/firewall.md). */
        @WithDefault("0.6")
        double block();
    }
}
