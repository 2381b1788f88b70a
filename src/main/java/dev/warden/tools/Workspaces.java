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

    Workspaces(WardenConfig config) {
        this.root = config.dataDir().resolve("workspaces");
    }

    public Path of(String userId, String sessionId) {
        return root.resolve(userId).resolve(sessionId);
    }

    /** Deletes a session's workspace and everything in it, without following symbolic links out of it. */
    public void delete(String userId, String sessionId) {
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
