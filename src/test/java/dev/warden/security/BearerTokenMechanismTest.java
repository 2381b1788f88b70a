package dev.warden.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenMechanismTest {

    @Test
    void readsOnlyWellFormedBearerHeaders() {
        assertThat(BearerTokenMechanism.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenMechanism.bearerToken("bearer  abc ")).isEqualTo("abc");
        assertThat(BearerTokenMechanism.bearerToken("Basic abc")).isNull();
        assertThat(BearerTokenMechanism.bearerToken("Bearerabc")).isNull();
        assertThat(BearerTokenMechanism.bearerToken("Bearer ")).isNull();
        assertThat(BearerTokenMechanism.bearerToken(null)).isNull();
    }

    @Test
    void tokensAreRandomAndOnlyTheirDigestIsStored() {
        String a = Tokens.generate();
        String b = Tokens.generate();
        assertThat(a).startsWith("wdn_").hasSizeGreaterThan(40).isNotEqualTo(b);
        assertThat(Tokens.hash(a))
                .hasSize(64)
                .matches("[0-9a-f]+")
                .isNotEqualTo(Tokens.hash(b))
                .doesNotContain(a);
        assertThat(Tokens.hash(a)).isEqualTo(Tokens.hash(a));
    }
}
