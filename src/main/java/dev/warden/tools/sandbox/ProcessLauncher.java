package dev.warden.tools.sandbox;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts every sandboxed process from one long-lived platform thread.
 *
 * <p>Why: bubblewrap's {@code --die-with-parent} uses {@code PR_SET_PDEATHSIG}, and Linux sends that signal when the
 * <em>thread</em> that started the process ends, not the process. Started from a pooled worker or a virtual thread's
 * carrier, a command would be killed whenever that thread retired. This thread never ends while the JVM runs, and ends
 * with it: so the sandbox dies with Warden, and only then.
 */
final class ProcessLauncher {

    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "warden-sandbox-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private ProcessLauncher() {}

    /**
     * Starts the process on the launcher thread and waits for it to have started. If the caller is interrupted
     * meanwhile, the process is killed once started, so none is ever left without an owner.
     */
    static Process start(ProcessBuilder builder) throws IOException {
        Future<Process> started = LAUNCHER.submit(builder::start);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    Process process = started.get();
                    if (interrupted) {
                        ProcessTrees.kill(process);
                        throw new InterruptedIOException("Interrupted while starting a command; it was killed");
                    }
                    return process;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new UncheckedIOException(new IOException(e.getCause()));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
