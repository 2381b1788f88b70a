package dev.warden.tools.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathGlobTest {

    @Test
    void doubleStarCoversTheDirectoryAndEverythingBelow() {
        PathGlob secrets = PathGlob.parse("secrets/**");
        assertThat(secrets.matches("secrets")).isTrue();
        assertThat(secrets.matches("secrets/key")).isTrue();
        assertThat(secrets.matches("secrets/a/b/.env")).isTrue();
        assertThat(secrets.matches("./secrets//key/")).isTrue();
        assertThat(secrets.matches("secretsx/key")).isFalse();
        assertThat(secrets.matches("notes/secrets/key")).isFalse();
        assertThat(PathGlob.parse("**/*.env").matches("a.env")).isTrue();
        assertThat(PathGlob.parse("**/*.env").matches("a/b/.env")).isTrue();
        assertThat(PathGlob.parse("**/*.env").matches("a/b/env")).isFalse();
        assertThat(PathGlob.parse("a/**/z").matches("a/z")).isTrue();
        assertThat(PathGlob.parse("a/**/z").matches("a/b/c/z")).isTrue();
        assertThat(PathGlob.parse("a/**/z").matches("a/b/c/y")).isFalse();
        assertThat(PathGlob.parse("**").matches(".")).isTrue();
    }

    @Test
    void starAndQuestionMarkStayWithinOneSegmentAndMatchDotFiles() {
        PathGlob notes = PathGlob.parse("notes/*.md");
        assertThat(notes.matches("notes/a.md")).isTrue();
        assertThat(notes.matches("notes/.hidden.md")).isTrue();
        assertThat(notes.matches("notes/.md")).isTrue();
        assertThat(notes.matches("notes/sub/a.md")).isFalse();
        assertThat(notes.matches("notes/a.md.txt")).isFalse();
        assertThat(notes.matches("Notes/a.md")).isFalse();
        assertThat(PathGlob.parse("?.txt").matches("a.txt")).isTrue();
        assertThat(PathGlob.parse("?.txt").matches("ab.txt")).isFalse();
        assertThat(PathGlob.parse("a*b*c").matches("aXXbYYc")).isTrue();
        assertThat(PathGlob.parse("a*b*c").matches("aXXbYY")).isFalse();
    }

    @Test
    void pathsThatLeaveTheWorkspaceMatchNothingAndHaveNoSegments() {
        assertThat(PathGlob.parse("**").matches("../x")).isFalse();
        assertThat(PathGlob.parse("**").matches("/etc/passwd")).isFalse();
        assertThat(PathGlob.segments("a/../b")).isEmpty();
        assertThat(PathGlob.segments("a/./b/")).contains(List.of("a", "b"));
        assertThat(PathGlob.segments("")).contains(List.of());
    }

    @Test
    void pathologicalPatternsStayFast() {
        PathGlob glob = PathGlob.parse("**/" + "a*".repeat(30) + "b/**/" + "*a".repeat(30) + "c");
        String name = "a".repeat(200);
        List<String> path = java.util.Collections.nCopies(200, name);
        assertThat(glob.matches(path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "/etc/**", "../x", "a/../b", "."})
    void invalidGlobsAreRefused(String text) {
        assertThatThrownBy(() -> PathGlob.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
