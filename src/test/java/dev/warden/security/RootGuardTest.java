package dev.warden.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RootGuardTest {

    @Test
    void rootIsRefusedUnlessExplicitlyAllowed() {
        assertThatThrownBy(() -> RootGuard.check(OptionalLong.of(0), false))
                .hasMessageContaining("refuses to run as root")
                .hasMessageContaining("WARDEN_ALLOW_ROOT=true");
        assertThatCode(() -> RootGuard.check(OptionalLong.of(0), true)).doesNotThrowAnyException();
    }

    @Test
    void anyOtherUserRuns() {
        assertThatCode(() -> RootGuard.check(OptionalLong.of(10001), false)).doesNotThrowAnyException();
        assertThatCode(() -> RootGuard.check(OptionalLong.empty(), false)).doesNotThrowAnyException();
    }

    @Test
    void readsTheRealUidOnLinux() {
        org.assertj.core.api.Assertions.assertThat(RootGuard.currentUid()).isPresent();
    }
}
