package dev.warden.tools.policy;

/**
 * The argument of a tool call that the policy looks at. The caller picks it from the call's arguments by the tool's
 * known parameter, never from anything the model says about the call.
 */
public sealed interface CallSubject {

    /** {@code run_shell}'s {@code command}, exactly as the model sent it. */
    record Command(String command) implements CallSubject {}

    /**
     * A file tool's path.
     *
     * @param requested the path the model sent, relative to the workspace
     * @param resolved the same path after {@code WorkspacePaths} resolved symbolic links, relative to the workspace
     *     root ({@code WorkspacePath.relative()}). Rules are checked against both; only a rule matching the
     *     resolved path can allow, so a link cannot carry an allowed name to a denied file.
     */
    record File(String requested, String resolved) implements CallSubject {}

    /** {@code http_get}'s {@code url}. */
    record Url(String url) implements CallSubject {}

    /** A tool whose arguments no rule looks at. */
    record None() implements CallSubject {}
}
