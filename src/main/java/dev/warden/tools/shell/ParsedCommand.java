package dev.warden.tools.shell;

import java.util.List;

/**
 * What {@link ShellParser} understood of a {@code run_shell} command: either a plain list of simple commands whose words
 * are known exactly, or something it does not fully understand, which no allow rule may ever match.
 */
public sealed interface ParsedCommand {

    /**
     * Simple commands joined by {@code ;}, {@code &&}, {@code ||} or {@code |}. Every command in the list may run, so a
     * rule allows the whole only when it allows each command.
     *
     * @param commands at least one command
     * @param connectors the operator after each command but the last ({@code connectors.size() == commands.size() - 1})
     */
    record Simple(List<SimpleCommand> commands, List<Connector> connectors) implements ParsedCommand {

        public Simple {
            commands = List.copyOf(commands);
            connectors = List.copyOf(connectors);
            if (commands.isEmpty() || connectors.size() != commands.size() - 1) {
                throw new IllegalArgumentException("n commands need n-1 connectors");
            }
        }

        /** Whether this is exactly one command, without any operator. */
        public boolean isSingle() {
            return commands.size() == 1;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(commands.getFirst().toString());
            for (int i = 0; i < connectors.size(); i++) {
                text.append(' ').append(connectors.get(i).symbol()).append(' ').append(commands.get(i + 1));
            }
            return text.toString();
        }
    }

    /**
     * Anything else: expansions, substitutions, redirections, subshells, control flow, commands that run other commands
     * ({@code eval}, {@code sh -c}, ...), unbalanced quotes, characters outside printable ASCII. Such a command can
     * only be decided by a person or denied.
     *
     * @param reason why, in words a person reading an approval prompt understands
     */
    record Complex(String reason) implements ParsedCommand {}
}
