package dev.warden.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.warden.tools.sandbox.SandboxRunner;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code run_shell}: a shell command in the session's workspace, under the sandbox (docs/security.md). */
@ApplicationScoped
@RegisterForReflection
public class ShellTool implements AgentTool {

    private final SandboxRunner sandbox;

    ShellTool(SandboxRunner sandbox) {
        this.sandbox = sandbox;
    }

    /** Probes the sandbox at start-up: a warning names what is missing, and run_shell is refused unless allowed. */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        sandbox.check();
    }

    @Tool(
            name = "run_shell",
            value = "Runs a shell command in the workspace (no network) and returns its output and" + " exit code.")
    public String runShell(@P("the command, as you would type it in sh") String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("The command is empty.");
        }
        var result = sandbox.run(ToolContext.current().workspace().root(), command);
        // On the execute_tool span, current while the tool runs (OpenTelemetry's process attributes).
        io.opentelemetry.api.trace.Span.current()
                .setAttribute("process.exit.code", result.exitCode())
                .setAttribute("warden.shell.timed_out", result.timedOut())
                .setAttribute("warden.shell.truncated", result.truncated());
        return result.toToolText();
    }
}
