package dev.warden.tools;

import dev.warden.config.WardenConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Where each session's files live: {@code $WARDEN_DATA_DIR/workspaces/<user>/<session>}. Blocking. */
@ApplicationScoped
public class Workspaces {

    private final Path root;
    private final java.util.Optional<Path> shared;

    Workspaces(WardenConfig config, ToolsConfig tools) {
        this.root = config.dataDir().resolve("workspaces");
        this.shared = tools.workspace().map(path -> path.toAbsolutePath().normalize());
    }

    /** The session's workspace: its own directory, or the one shared project directory when configured. */
    public Path of(String userId, String sessionId) {
        return shared.orElseGet(() -> root.resolve(userId).resolve(sessionId));
    }

    /** The workspace, created if it does not exist yet. */
    public Path ensure(String userId, String sessionId) {
        Path workspace = of(userId, sessionId);
        try {
            Files.createDirectories(workspace);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the workspace " + workspace, e);
        }
        return workspace;
    }

    /**
     * Deletes a session's workspace and everything in it, without following symbolic links out of it. A shared project
     * directory is never deleted.
     */
    public void delete(String userId, String sessionId) {
        if (shared.isPresent()) {
            return;
        }
        Path workspace = of(userId, sessionId);
        if (!Files.exists(workspace, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the workspace " + workspace, e);
        }
    }
}
