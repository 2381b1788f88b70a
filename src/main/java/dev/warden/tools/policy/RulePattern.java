package dev.warden.tools.policy;

import dev.warden.tools.shell.CommandPattern;

/** What a {@link PolicyRule} matches, by the kind of argument it looks at. */
public sealed interface RulePattern {

    /** A {@code run_shell} command, matched against each parsed simple command (see {@link CommandPattern}). */
    record Command(CommandPattern pattern) implements RulePattern {
        @Override
        public String toString() {
            return "command `" + pattern + "`";
        }
    }

    /** A file tool's path, matched against the workspace-relative path (see {@link PathGlob}). */
    record Path(PathGlob glob) implements RulePattern {
        @Override
        public String toString() {
            return "path `" + glob + "`";
        }
    }

    /** An URL's host (see {@link HostPattern}). */
    record Host(HostPattern host) implements RulePattern {
        @Override
        public String toString() {
            return "host `" + host + "`";
        }
    }
}
