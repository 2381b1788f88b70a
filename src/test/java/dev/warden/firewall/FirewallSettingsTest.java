package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code warden.firewall.*} as the engine gets it: the mapping's defaults are the engine's, which training, evaluation
 * and the benchmark use, so the figures in docs/firewall.md are those of the shipped configuration.
 */
class FirewallSettingsTest {

    private static FirewallEngine.Settings settings(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(FirewallConfig.class)
                .withConverter(Path.class, 100, Path::of)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(FirewallConfig.class).settings();
    }

    @Test
    void theConfiguredDefaultsAreTheEngineDefaults() {
        assertThat(settings(Map.of())).isEqualTo(FirewallEngine.Settings.defaults());
    }

    @Test
    void theDefaultEmbeddingBudgetCoversEveryWindowOfA4KbText() {
        Detectors detectors = Detectors.load(Optional.empty());
        String fourKb = "The delivery arrives on Tuesday between nine and noon. "
                .repeat(80)
                .substring(0, 4096);
        assertThat(detectors.windows(fourKb)).hasSize(6);
        assertThat(FirewallEngine.Settings.defaults().maxEmbeddedWindows())
                .isGreaterThanOrEqualTo(detectors.windows(fourKb).size());
    }

    @Test
    void thresholdsOutOfOrderAreRefusedWithTheProperty() {
        assertThatThrownBy(
                        () -> settings(Map.of("warden.firewall.tool.flag", "0.7", "warden.firewall.tool.block", "0.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warden.firewall.tool")
                .hasMessageContaining("0 <= flag <= block <= 1");
        assertThat(settings(Map.of("warden.firewall.memory.block", "0.9"))
                        .thresholds()
                        .get(Source.MEMORY))
                .isEqualTo(new FirewallEngine.Thresholds(0.4, 0.9));
    }
}
