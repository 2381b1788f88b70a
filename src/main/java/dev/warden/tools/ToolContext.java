package dev.warden.tools;

import dev.warden.agent.Turn;
import dev.warden.tools.sandbox.WorkspacePaths;

/**
 * The turn a tool runs for, and its workspace, on the thread that runs it (the tool stage sets it around each call):
 * how a langchain4j {@code @Tool} method, which sees only the model's arguments, knows whose files it touches.
 */
public final class ToolContext {

    private static final ThreadLocal<ToolContext> CURRENT = new ThreadLocal<>();

    private final Turn turn;
    private final WorkspacePaths workspace;

    ToolContext(Turn turn, WorkspacePaths workspace) {
        this.turn = turn;
        this.workspace = workspace;
    }

    public Turn turn() {
        return turn;
    }

    public WorkspacePaths workspace() {
        return workspace;
    }

    public static ToolContext current() {
        ToolContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("A tool ran outside a turn");
        }
        return context;
    }

    static <T> T with(ToolContext context, java.util.function.Supplier<T> work) {
        ToolContext previous = CURRENT.get();
        CURRENT.set(context);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
