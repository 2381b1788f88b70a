package dev.warden.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CurrentTimeToolTest {

    private final CurrentTimeTool tool =
            new CurrentTimeTool(Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void tellsTheTimeInTheAskedZoneOrUtc() {
        assertThat(tool.currentTime("Europe/Paris")).isEqualTo("2026-11-25T13:00:00+01:00 (Europe/Paris)");
        assertThat(tool.currentTime(null)).isEqualTo("2026-11-25T12:00:00Z (UTC)");
        assertThat(tool.currentTime(" ")).isEqualTo("2026-11-25T12:00:00Z (UTC)");
    }

    @Test
    void anUnknownZoneIsAnErrorTheModelCanRead() {
        assertThatThrownBy(() -> tool.currentTime("Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Mars/Olympus");
    }
}
