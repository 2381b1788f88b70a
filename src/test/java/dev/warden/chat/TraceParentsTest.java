package dev.warden.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

class TraceParentsTest {

    @Test
    void aValidTraceparentBecomesTheRemoteParent() {
        var context = TraceParents.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        var parent = Span.fromContext(context).getSpanContext();
        assertThat(parent.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parent.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parent.isRemote()).isTrue();
        assertThat(parent.isSampled()).isTrue();
    }

    @Test
    void anythingElseStartsAFreshTrace() {
        for (String bad : new String[] {
            null,
            "",
            "garbage",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
        }) {
            assertThat(Span.fromContext(TraceParents.parse(bad))
                            .getSpanContext()
                            .isValid())
                    .as(bad)
                    .isFalse();
        }
    }
}
