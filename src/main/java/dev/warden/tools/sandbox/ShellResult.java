package dev.warden.tools.sandbox;

import java.time.Duration;

/**
 * What a {@code run_shell} command did.
 *
 * @param exitCode the shell's exit status; 128+N when a signal N ended it; -1 when it was killed at the time limit
 * @param output stdout and stderr together, in the order the command wrote them (one pipe), decoded as UTF-8; when
 *     longer than the limit, the first bytes and a notice saying how much was left out
 * @param truncated whether output was left out
 * @param timedOut whether the time limit ended the command
 * @param duration wall-clock time from start to the end of the last process
 * @param sandboxed whether it ran under bubblewrap (false only with {@code warden.sandbox.require=false})
 */
public record ShellResult(
        int exitCode, String output, boolean truncated, boolean timedOut, Duration duration, boolean sandboxed) {

    /** The result as the model reads it: the output, then how the command ended. */
    public String toToolText() {
        StringBuilder text = new StringBuilder(output);
        if (!output.isEmpty() && !output.endsWith("\n")) {
            text.append('\n');
        }
        if (timedOut) {
            text.append("[timed out after ")
                    .append(duration.toSeconds())
                    .append(" s: the command and every process it started were killed]");
        } else {
            text.append("[exit code ").append(exitCode).append(']');
        }
        return text.toString();
    }
}
