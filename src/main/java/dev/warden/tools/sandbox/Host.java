package dev.warden.tools.sandbox;

import io.quarkus.logging.Log;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** What the runner needs to know about the Linux machine it runs on, read from {@code /proc} and {@code PATH}. */
final class Host {

    /** Where executables are looked for besides {@code PATH}. */
    private static final List<String> STANDARD_DIRECTORIES =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private Host() {}

    static boolean isLinux() {
        return System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .startsWith("linux");
    }

    /** This process's effective uid, or empty where {@code /proc} cannot tell. */
    static OptionalLong effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return OptionalLong.of(
                            Long.parseLong(line.substring(4).trim().split("\\s+")[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.debugf("Cannot read the uid from /proc/self/status: %s", e.getMessage());
        }
        return OptionalLong.empty();
    }

    /** An executable by absolute path, or by name on {@code PATH} and the standard directories. */
    static Optional<Path> executable(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(":")) {
                if (directory.startsWith("/")) {
                    directories.add(directory);
                }
            }
        }
        directories.addAll(STANDARD_DIRECTORIES);
        for (String directory : directories) {
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Threads of every process whose real uid is {@code uid}: what {@code RLIMIT_NPROC} counts for that user. */
    static int threadsOfUser(long uid) {
        int threads = 0;
        for (long pid : pids()) {
            try {
                long processUid = -1;
                int processThreads = 0;
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("Uid:")) {
                        processUid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    } else if (line.startsWith("Threads:")) {
                        processThreads = Integer.parseInt(line.substring(8).trim());
                    }
                }
                if (processUid == uid) {
                    threads += processThreads;
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return threads;
    }

    /** The processes whose session id is {@code sid}. */
    static List<Long> sessionMembers(long sid) {
        List<Long> members = new ArrayList<>();
        for (long pid : pids()) {
            sessionOf(pid).ifPresent(session -> {
                if (session == sid) {
                    members.add(pid);
                }
            });
        }
        return members;
    }

    /** Whether the process exists and is not a zombie (a zombie has ended, it only waits to be reaped). */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The session id of a process, from {@code /proc/<pid>/stat}. */
    static OptionalLong sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(fields[3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : proc) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            Log.debugf("Cannot list /proc: %s", e.getMessage());
        }
        return pids;
    }
}
