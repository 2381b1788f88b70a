package dev.warden.tools.sandbox;

/**
 * Whether {@code run_shell} can run here, and how.
 *
 * @param sandboxed commands run under bubblewrap
 * @param runnable commands run at all: sandboxed, or as plain subprocesses with {@code warden.sandbox.require=false}
 * @param detail what was found, for the operator's log
 */
public record SandboxStatus(boolean sandboxed, boolean runnable, String detail) {}
