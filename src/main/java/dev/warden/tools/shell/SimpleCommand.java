package dev.warden.tools.shell;

import java.util.List;

/**
 * One simple command after quote removal: the program and its arguments exactly as the shell would pass them to
 * {@code execve}. Only {@link ShellParser} makes these, and only for text in which nothing is expanded, so the words
 * are final.
 */
public record SimpleCommand(List<String> argv) {

    public SimpleCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command has at least a program");
        }
    }

    /** The first word: what runs. */
    public String program() {
        return argv.getFirst();
    }

    /** The program without any directory part: {@code rm} for {@code /bin/rm}. */
    public String programName() {
        String program = program();
        return program.substring(program.lastIndexOf('/') + 1);
    }

    /** The words after the program. */
    public List<String> arguments() {
        return argv.subList(1, argv.size());
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
