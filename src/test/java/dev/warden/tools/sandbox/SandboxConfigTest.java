package dev.warden.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.config.WardenConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxConfigTest {

    private static SandboxSettings settings(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WardenConfig.class)
                .withMapping(SandboxConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Path.class, 100, Path::of)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(SandboxConfig.class).settings();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(settings(Map.of())).isEqualTo(SandboxSettings.defaults());
        assertThat(SandboxSettings.defaults().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(SandboxSettings.defaults().maxOutputBytes()).isEqualTo(65536);
        assertThat(SandboxSettings.defaults().require()).isTrue();
    }

    @Test
    void everySettingCanBeChangedNextToWardensOwnConfiguration() {
        SandboxSettings settings = settings(Map.ofEntries(
                Map.entry("warden.data-dir", "/var/lib/warden"),
                Map.entry("warden.sandbox.require", "false"),
                Map.entry("warden.sandbox.timeout", "5s"),
                Map.entry("warden.sandbox.max-output", "1K"),
                Map.entry("warden.sandbox.max-processes", "32"),
                Map.entry("warden.sandbox.max-memory", "512M"),
                Map.entry("warden.sandbox.max-file-size", "10M"),
                Map.entry("warden.sandbox.tmp-size", "8M"),
                Map.entry("warden.sandbox.root-uid", "10002"),
                Map.entry("warden.sandbox.root-gid", "10003"),
                Map.entry("warden.sandbox.extra-read-only-paths", "/opt/jdk,/opt/node"),
                Map.entry("warden.sandbox.bwrap", "/usr/local/bin/bwrap")));
        assertThat(settings)
                .isEqualTo(new SandboxSettings(
                        false,
                        Duration.ofSeconds(5),
                        1024,
                        32,
                        512L * 1024 * 1024,
                        10L * 1024 * 1024,
                        8L * 1024 * 1024,
                        10002,
                        10003,
                        List.of(Path.of("/opt/jdk"), Path.of("/opt/node")),
                        "/usr/local/bin/bwrap"));
    }

    @Test
    void nonsenseIsRefused() {
        SandboxSettings d = SandboxSettings.defaults();
        assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> d.withMaxProcesses(0)).hasMessageContaining("limits");
        assertThatThrownBy(() -> new SandboxSettings(true, d.timeout(), 1, 1, 1, 1, 1, 0, 1, List.of(), "bwrap"))
                .hasMessageContaining("must not be root");
        assertThatThrownBy(() ->
                        new SandboxSettings(true, d.timeout(), 1, 1, 1, 1, 1, 1, 1, List.of(Path.of("opt")), "bwrap"))
                .hasMessageContaining("absolute");
    }
}
