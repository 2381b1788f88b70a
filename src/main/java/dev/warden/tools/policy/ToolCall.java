package dev.warden.tools.policy;

import java.util.Objects;

/**
 * A tool call as the policy sees it.
 *
 * @param tool the tool's name
 * @param risk the tool's risk class, from Warden's own table ({@link ToolRisks}), never from the model
 * @param subject the argument rules look at
 */
public record ToolCall(String tool, RiskClass risk, CallSubject subject) {

    public ToolCall {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(subject, "subject");
    }

    /** A {@code run_shell} call. */
    public static ToolCall shell(String command) {
        return new ToolCall("run_shell", RiskClass.EXECUTE, new CallSubject.Command(command));
    }

    /** A call of a built-in file tool, with the requested and the resolved workspace-relative path. */
    public static ToolCall file(String tool, String requested, String resolved) {
        return new ToolCall(tool, ToolRisks.of(tool), new CallSubject.File(requested, resolved));
    }

    /** An {@code http_get} call. */
    public static ToolCall httpGet(String url) {
        return new ToolCall("http_get", RiskClass.NETWORK, new CallSubject.Url(url));
    }
}
