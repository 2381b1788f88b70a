package dev.warden.tools.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPatternTest {

    private static Origin origin(String url) {
        return Origin.parse(url).orElseThrow();
    }

    @Test
    void originsAreNormalised() {
        assertThat(origin("https://API.GitHub.com./repos")).isEqualTo(new Origin("https", "api.github.com", 443));
        assertThat(origin("HTTP://example.com:8080")).isEqualTo(new Origin("http", "example.com", 8080));
        assertThat(origin("http://user:pw@example.com/")).isEqualTo(new Origin("http", "example.com", 80));
        assertThat(origin("http://api.github.com@evil.com/").host()).isEqualTo("evil.com");
        assertThat(origin("http://xn--bcher-kva.example/").host()).isEqualTo("xn--bcher-kva.example");
        assertThat(Origin.parse("http://b\u00fccher.example/"))
                .as("send IDN hosts in their ASCII form")
                .isEmpty();
        assertThat(HostPattern.parse("b\u00fccher.example").matches(origin("http://XN--BCHER-KVA.example")))
                .isTrue();
        assertThat(origin("http://[::1]:9000/").host()).isEqualTo("[::1]");
        assertThat(origin("http://10.0.0.1/").host()).isEqualTo("10.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://example.com/",
                "//example.com/",
                "example.com",
                "http:///x",
                "http://2130706433/",
                "http://0x7f000001/",
                "http://127.1/",
                "http://0177.0.0.1/",
                "http://127.000.000.001/",
                "http://evil.com\\@good.com/",
                "http://exa mple.com/",
                "",
                "javascript:alert(1)"
            })
    void anythingButAProperHttpUrlHasNoOrigin(String url) {
        assertThat(Origin.parse(url)).isEmpty();
    }

    @Test
    void exactHostsSubdomainsAndPorts() {
        HostPattern exact = HostPattern.parse("api.github.com");
        assertThat(exact.matches(origin("https://api.github.com/x"))).isTrue();
        assertThat(exact.matches(origin("https://API.github.com:8443/x"))).isTrue();
        assertThat(exact.matches(origin("https://api.github.com.evil.com/"))).isFalse();
        assertThat(exact.matches(origin("https://evilapi.github.com/"))).isFalse();

        HostPattern subdomains = HostPattern.parse("*.github.com");
        assertThat(subdomains.matches(origin("https://raw.github.com/"))).isTrue();
        assertThat(subdomains.matches(origin("https://a.b.github.com/"))).isTrue();
        assertThat(subdomains.matches(origin("https://github.com/"))).isFalse();
        assertThat(subdomains.matches(origin("https://evilgithub.com/"))).isFalse();

        HostPattern withPort = HostPattern.parse("localhost:8080");
        assertThat(withPort.matches(origin("http://localhost:8080/"))).isTrue();
        assertThat(withPort.matches(origin("http://localhost/"))).isFalse();
        assertThat(HostPattern.parse("[::1]:9000").matches(origin("http://[::1]:9000/")))
                .isTrue();
        assertThat(HostPattern.parse("*").matches(origin("http://anything.example/")))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a*b.com", "*.", "http://x.com", "x.com:0", "x.com:http", "2130706433", "a..b"})
    void invalidPatternsAreRefused(String text) {
        assertThatThrownBy(() -> HostPattern.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
