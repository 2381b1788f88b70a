package dev.warden.tools;

import dev.warden.tools.policy.Decision;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's tool policy and the tools' limits. The policy always wins over anything a user chooses: a
 * {@code deny} cannot be lifted from the client. Examples in docs/security.md.
 */
@ConfigMapping(prefix = "warden.tools")
public interface ToolsConfig {

    /** How long a tool call waits for a person's approval before it is denied. Default 5 minutes. */
    @WithDefault("5m")
    Duration approvalTimeout();

    Defaults defaults();

    /** Per tool, {@code allow}, {@code ask} or {@code deny}, e.g. {@code warden.tools.policy.run_shell=deny}. */
    Map<String, Decision> policy();

    /** Rules with patterns, checked before the per-tool settings; among matching rules deny beats ask beats allow. */
    Optional<List<Rule>> rules();

    /** What a shell command too complex for any rule to judge gets: {@code ask} or {@code deny}. Default {@code ask}. */
    @WithDefault("ask")
    Decision complexCommands();

    /**
     * One project directory shared by every session, instead of a workspace per session under the data directory.
     * No default.
     */
    Optional<Path> workspace();

    Http http();

    interface Defaults {
        /** Reading tools (read_file, list_files, current_time). Default {@code allow}. */
        @WithDefault("allow")
        Decision read();

        /** Tools that change files (write_file, edit_file). Default {@code ask}. */
        @WithDefault("ask")
        Decision write();

        /** Tools that run programs (run_shell). Default {@code ask}. */
        @WithDefault("ask")
        Decision execute();

        /** Tools that reach other machines (http_get). Default {@code ask}. */
        @WithDefault("ask")
        Decision network();
    }

    interface Rule {
        /** The tool the rule is about, or {@code *}. */
        String tool();

        /** {@code allow}, {@code ask} or {@code deny}. */
        Decision decision();

        /** For run_shell: a command pattern such as {@code git status} or {@code git log *}. */
        Optional<String> command();

        /** For file tools: a path glob in the workspace such as {@code secrets/**}. */
        Optional<String> path();

        /** For http_get: a host such as {@code docs.example.com} or {@code *.example.com}. */
        Optional<String> host();
    }

    interface Http {
        /** Hosts http_get may fetch from (patterns as in rules). Default: none, so http_get fetches nothing. */
        Optional<List<String>> allowedHosts();

        /** Largest response body http_get reads; longer ones are cut with a notice. Default 1 MiB. */
        @WithDefault("1M")
        MemorySize maxResponse();

        /** Timeout of one fetch. Default 10 seconds. */
        @WithDefault("10s")
        Duration timeout();

        /** Redirects followed, each checked against the allowlist again. Default 3. */
        @WithDefault("3")
        int maxRedirects();
    }
}
