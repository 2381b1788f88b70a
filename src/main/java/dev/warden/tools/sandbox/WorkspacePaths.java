package dev.warden.tools.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves paths the model names inside one workspace, refusing anything that would reach outside it, without touching
 * the file system beyond reading it.
 *
 * <p>Refused, with a {@link WorkspacePathException} the model can read: {@code null}; NUL and other control characters;
 * paths over {@value #MAX_PATH_BYTES} bytes or with a name over {@value #MAX_NAME_BYTES} bytes (UTF-8); absolute paths;
 * any {@code ..} segment (even one that would stay inside: nothing needs it); and paths whose real location, following
 * every symbolic link, is outside the workspace's real root. For a path that does not exist yet, the nearest existing
 * parent's real path is checked and the missing names appended; a dangling symbolic link on the way is refused, since
 * writing through it would create its target wherever it points. The empty path and {@code .} are the root.
 *
 * <p>Race: the check and the later use are two steps. Something that replaces a checked directory by a symbolic link
 * in between (a {@code run_shell} command running at the same time in the same workspace) could redirect the use.
 * Callers close that by not running file tools while a command runs in the same workspace.
 */
public final class WorkspacePaths {

    /** Longest path accepted, in UTF-8 bytes (Linux's PATH_MAX). */
    public static final int MAX_PATH_BYTES = 4096;

    /** Longest single name accepted, in UTF-8 bytes (Linux's NAME_MAX). */
    public static final int MAX_NAME_BYTES = 255;

    private final Path root;

    /**
     * @param root the workspace directory; it must exist
     * @throws UncheckedIOException when it does not exist or cannot be resolved
     */
    public WorkspacePaths(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Workspace " + root + " cannot be resolved", e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("Workspace " + root + " is not a directory");
        }
    }

    /** The workspace's real root. */
    public Path root() {
        return root;
    }

    /**
     * Resolves {@code path}, relative to the workspace.
     *
     * @throws WorkspacePathException when the path is refused (see the class comment)
     */
    public WorkspacePath resolve(String path) {
        if (path == null) {
            throw new WorkspacePathException(null, "a path is required");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\0') {
                throw new WorkspacePathException(path, "it contains a NUL character");
            }
            if (Character.isISOControl(c)) {
                throw new WorkspacePathException(path, "it contains a control character");
            }
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new WorkspacePathException(path, "it is longer than " + MAX_PATH_BYTES + " bytes");
        }
        if (path.startsWith("/")) {
            throw new WorkspacePathException(
                    path, "it is absolute; use a path relative to the workspace, such as 'notes/todo.md'");
        }
        Path candidate = root;
        for (String name : path.split("/")) {
            if (name.equals("..")) {
                throw new WorkspacePathException(path, "'..' is not allowed; paths stay inside the workspace");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new WorkspacePathException(path, "a name in it is longer than " + MAX_NAME_BYTES + " bytes");
            }
            if (!name.isEmpty() && !name.equals(".")) {
                try {
                    candidate = candidate.resolve(name);
                } catch (InvalidPathException e) {
                    throw new WorkspacePathException(path, "it is not a valid file name here");
                }
            }
        }

        Deque<Path> missing = new ArrayDeque<>();
        Path existing = candidate;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            if (existing.equals(root)) {
                throw new WorkspacePathException(path, "the workspace does not exist any more");
            }
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            throw new WorkspacePathException(path, "it goes through a symbolic link that points to nothing");
        } catch (FileSystemException e) {
            throw new WorkspacePathException(
                    path,
                    "it cannot be resolved (" + (e.getReason() == null ? "file system error" : e.getReason()) + ")");
        } catch (IOException e) {
            throw new WorkspacePathException(path, "it cannot be resolved");
        }
        if (!real.startsWith(root)) {
            throw new WorkspacePathException(path, "it leads outside the workspace through a symbolic link");
        }
        Path resolved = real;
        while (!missing.isEmpty()) {
            resolved = resolved.resolve(missing.pop());
        }
        String relative = root.relativize(resolved).toString();
        return new WorkspacePath(resolved, relative.isEmpty() ? "." : relative);
    }
}
