package dev.warden.tools.sandbox;

import java.nio.file.Path;

/**
 * A path the model named, resolved inside a workspace.
 *
 * @param absolute the real path to act on: symbolic links already followed, so it lies inside the workspace's real
 *     root (what does not exist yet is appended to the real path of its nearest existing parent)
 * @param relative the same path relative to the workspace root, {@code /}-separated, {@code .} for the root itself;
 *     this is what policy rules are matched against ({@code CallSubject.File#resolved})
 */
public record WorkspacePath(Path absolute, String relative) {}
