package dev.warden.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputSanitizerTest {

    @Test
    void removesNulAndControlCharactersButKeepsTabsAndNewlines() {
        assertThat(InputSanitizer.sanitize("a\u0000b\u0007c\u001bd\u007fe\u0085f"))
                .isEqualTo("abcdef");
        assertThat(InputSanitizer.sanitize("line1\nline2\tend")).isEqualTo("line1\nline2\tend");
    }

    @Test
    void normalisesLineEndings() {
        assertThat(InputSanitizer.sanitize("a\r\nb\rc\n")).isEqualTo("a\nb\nc\n");
    }

    @Test
    void appliesNfkc() {
        assertThat(InputSanitizer.sanitize("ﬁ ① Ｈｅｌｌｏ ｶ")).isEqualTo("fi 1 Hello カ");
    }

    @Test
    void dropsUnpairedSurrogatesAndKeepsPairs() {
        assertThat(InputSanitizer.sanitize("a\uD800b\uDC00c")).isEqualTo("abc");
        assertThat(InputSanitizer.sanitize("smile \uD83D\uDE00")).isEqualTo("smile \uD83D\uDE00");
    }

    @Test
    void utf8LengthCountsBytesNotCharacters() {
        assertThat(Utf8.length("abc")).isEqualTo(3);
        assertThat(Utf8.length("é")).isEqualTo(2);
        assertThat(Utf8.length("€")).isEqualTo(3);
        assertThat(Utf8.length("\uD83D\uDE00")).isEqualTo(4);
        assertThat(Utf8.length("a\uD800")).isEqualTo(4);
    }
}
