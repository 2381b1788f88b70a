package dev.warden.tools.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Killing a command and everything it started, and making sure it is all gone. */
final class ProcessTrees {

    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");

    private ProcessTrees() {}

    /**
     * SIGKILL to every descendant the process has at this moment, then to the process itself once it had a moment to
     * end on its own. Under bubblewrap the descendants are the sandbox's init and everything in its PID namespace: the
     * init's death takes the whole namespace with it, and bubblewrap, still alive, reaps the init and exits. Killing
     * bubblewrap first would orphan the init, leaving it to whatever reaps orphans here (possibly nothing).
     *
     * @return the pids signalled, to wait for
     */
    static List<Long> kill(Process process) {
        List<Long> tree = new ArrayList<>();
        process.descendants().forEach(descendant -> {
            descendant.destroyForcibly();
            tree.add(descendant.pid());
        });
        if (!tree.isEmpty()) {
            awaitEnd(List.of(process.pid()), 2);
        }
        // Through the handle: Process.destroyForcibly() would also close the output pipe while it is still being read.
        process.toHandle().destroyForcibly();
        tree.add(process.pid());
        return tree;
    }

    /**
     * The sandbox's init (the command's shell) as bubblewrap reported it ({@code --info-fd}): to kill it first, which
     * takes the whole PID namespace with it, and to wait for it. The file is Warden's own, outside the sandbox, and the
     * command never holds it.
     */
    static OptionalLong sandboxInit(Path info) {
        try {
            Matcher matcher = CHILD_PID.matcher(Files.readString(info));
            return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** SIGKILL to the sandbox's init, if it still is the child of this bubblewrap process (never to anything else). */
    static void killInit(Process bubblewrap, long init) {
        ProcessHandle.of(init)
                .filter(handle -> handle.parent()
                        .map(parent -> parent.pid() == bubblewrap.pid())
                        .orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * Without bubblewrap: SIGKILL to every process still in the command's session, repeated until none is left (a
     * process may fork while the previous sweep runs; the process limit bounds how often). A process that started a
     * session of its own escapes this; only the sandbox's PID namespace catches those.
     *
     * @return the pids signalled
     */
    static List<Long> killSession(long sid) {
        List<Long> killed = new ArrayList<>();
        for (int sweep = 0; sweep < 1000; sweep++) {
            List<Long> members = Host.sessionMembers(sid);
            if (members.isEmpty()) {
                break;
            }
            for (long pid : members) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                killed.add(pid);
            }
        }
        return killed;
    }

    /**
     * Waits until none of the processes runs any more (gone, or a zombie waiting to be reaped), so that none is still
     * running when the caller goes on. A killed process ends promptly; the bound only guards against a kernel that
     * does not.
     */
    static void awaitEnd(List<Long> pids) {
        awaitEnd(pids, 10);
    }

    private static void awaitEnd(List<Long> pids, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean interrupted = false;
        try {
            for (long pid : pids) {
                while (Host.isRunning(pid) && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
