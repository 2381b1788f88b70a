package dev.warden.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspacePathsTest {

    @TempDir
    Path temp;

    private Path workspace;
    private Path outside;
    private WorkspacePaths paths;

    @BeforeEach
    void layout() throws IOException {
        workspace = Files.createDirectories(temp.resolve("data/workspaces/alice/s1"));
        outside = Files.createDirectories(temp.resolve("data/workspaces/bob/s2"));
        Files.writeString(outside.resolve("secret.txt"), "bob's secret");
        Files.createDirectories(workspace.resolve("notes/sub"));
        Files.writeString(workspace.resolve("notes/todo.md"), "todo");
        paths = new WorkspacePaths(workspace);
    }

    private List<Path> everything() throws IOException {
        try (Stream<Path> files = Files.walk(temp)) {
            return files.sorted().toList();
        }
    }

    @Test
    void relativePathsResolveInsideTheWorkspace() throws IOException {
        Path root = workspace.toRealPath();
        assertThat(paths.resolve("notes/todo.md"))
                .isEqualTo(new WorkspacePath(root.resolve("notes/todo.md"), "notes/todo.md"));
        assertThat(paths.resolve("./notes//sub/")).isEqualTo(new WorkspacePath(root.resolve("notes/sub"), "notes/sub"));
        assertThat(paths.resolve("new/dir/file.txt"))
                .isEqualTo(new WorkspacePath(root.resolve("new/dir/file.txt"), "new/dir/file.txt"));
        assertThat(paths.resolve("")).isEqualTo(new WorkspacePath(root, "."));
        assertThat(paths.resolve(".")).isEqualTo(new WorkspacePath(root, "."));
        assertThat(paths.resolve("~/x").relative()).as("a ~ is just a name").isEqualTo("~/x");
        assertThat(paths.resolve("b\u00fccher/\u65e5\u672c.txt").relative()).isEqualTo("b\u00fccher/\u65e5\u672c.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "../bob/s2/secret.txt", "notes/../../x", "notes/..", "a/../b", "./.."})
    void dotDotIsRefused(String path) throws IOException {
        List<Path> before = everything();
        assertThatThrownBy(() -> paths.resolve(path))
                .isInstanceOf(WorkspacePathException.class)
                .hasMessageContaining("'..' is not allowed");
        assertThat(everything()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/", "//x"})
    void absolutePathsAreRefused(String path) {
        assertThatThrownBy(() -> paths.resolve(path))
                .isInstanceOf(WorkspacePathException.class)
                .hasMessageContaining("it is absolute");
    }

    @Test
    void nulControlCharactersAndOverlongPathsAreRefused() {
        assertThatThrownBy(() -> paths.resolve("a\0b"))
                .hasMessage("Refused path 'a\\u0000b': it contains a NUL character");
        assertThatThrownBy(() -> paths.resolve("a\nb")).hasMessageContaining("control character");
        assertThatThrownBy(() -> paths.resolve("a\u0085b")).hasMessageContaining("control character");
        assertThatThrownBy(() -> paths.resolve("a/".repeat(2049))).hasMessageContaining("longer than 4096 bytes");
        assertThatThrownBy(() -> paths.resolve("x".repeat(256))).hasMessageContaining("longer than 255 bytes");
        assertThatThrownBy(() -> paths.resolve("\u00e9".repeat(128))).hasMessageContaining("longer than 255 bytes");
        assertThat(paths.resolve("x".repeat(255)).relative()).hasSize(255);
        assertThatThrownBy(() -> paths.resolve(null)).hasMessageContaining("a path is required");
    }

    @Test
    void symbolicLinksLeadingOutsideAreRefusedForExistingAndNewFiles() throws IOException {
        Files.createSymbolicLink(workspace.resolve("bob"), outside);
        Files.createSymbolicLink(workspace.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(workspace.resolve("root"), Path.of("/"));
        Files.createSymbolicLink(workspace.resolve("notes/up"), Path.of("../../../bob/s2"));
        Files.createSymbolicLink(workspace.resolve("secret"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(workspace.resolve("chain1"), workspace.resolve("chain2"));
        Files.createSymbolicLink(workspace.resolve("chain2"), outside);
        List<Path> before = everything();

        for (String path : List.of(
                "bob",
                "bob/secret.txt",
                "bob/new.txt",
                "bob/new/dir/file.txt",
                "etc/passwd",
                "etc/shadow",
                "root",
                "root/etc/shadow",
                "notes/up/secret.txt",
                "notes/up/new.txt",
                "secret",
                "chain1/secret.txt",
                "chain1/x/y")) {
            assertThatThrownBy(() -> paths.resolve(path))
                    .as(path)
                    .isInstanceOf(WorkspacePathException.class)
                    .hasMessageContaining("leads outside the workspace")
                    .hasMessageNotContaining(temp.toString());
        }
        assertThat(everything()).as("nothing was touched").isEqualTo(before);
    }

    @Test
    void danglingLinksAndLoopsAreRefused() throws IOException {
        Files.createSymbolicLink(workspace.resolve("dangling"), outside.resolve("not-yet.txt"));
        Files.createSymbolicLink(workspace.resolve("dangling-inside"), workspace.resolve("later.txt"));
        Files.createSymbolicLink(workspace.resolve("loop1"), workspace.resolve("loop2"));
        Files.createSymbolicLink(workspace.resolve("loop2"), workspace.resolve("loop1"));
        assertThatThrownBy(() -> paths.resolve("dangling")).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> paths.resolve("dangling-inside")).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> paths.resolve("dangling/x")).isInstanceOf(WorkspacePathException.class);
        assertThatThrownBy(() -> paths.resolve("loop1")).isInstanceOf(WorkspacePathException.class);
        assertThatThrownBy(() -> paths.resolve("loop1/x")).isInstanceOf(WorkspacePathException.class);
        assertThat(Files.exists(outside.resolve("not-yet.txt"))).isFalse();
    }

    @Test
    void linksThatStayInsideResolveToTheirTarget() throws IOException {
        Path root = workspace.toRealPath();
        Files.createSymbolicLink(workspace.resolve("todo"), Path.of("notes/todo.md"));
        Files.createSymbolicLink(workspace.resolve("notes/sub/back"), Path.of("../.."));
        assertThat(paths.resolve("todo")).isEqualTo(new WorkspacePath(root.resolve("notes/todo.md"), "notes/todo.md"));
        assertThat(paths.resolve("notes/sub/back/notes/new.md").relative()).isEqualTo("notes/new.md");
        assertThat(paths.resolve("notes/sub/back").relative()).isEqualTo(".");
    }

    @Test
    void aWorkspaceReachedThroughALinkWorks() throws IOException {
        Path link = Files.createSymbolicLink(temp.resolve("ws-link"), workspace);
        WorkspacePaths linked = new WorkspacePaths(link);
        assertThat(linked.root()).isEqualTo(workspace.toRealPath());
        assertThat(linked.resolve("notes/todo.md").absolute())
                .isEqualTo(workspace.toRealPath().resolve("notes/todo.md"));
    }

    @Test
    void aMissingWorkspaceIsRefusedClearly() throws IOException {
        Path gone = Files.createDirectories(temp.resolve("gone"));
        WorkspacePaths paths = new WorkspacePaths(gone);
        Files.delete(gone);
        assertThatThrownBy(() -> paths.resolve("x")).hasMessageContaining("does not exist any more");
        assertThatThrownBy(() -> new WorkspacePaths(temp.resolve("never")))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }
}
