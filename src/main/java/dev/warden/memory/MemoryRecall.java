package dev.warden.memory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.warden.agent.AgentEvent;
import java.util.List;

/**
 * What a recall found: the memories, best first, or, when the store could not answer in time, none and an
 * {@code error} code ({@link #UNAVAILABLE}, {@link #TIMEOUT}) with the turn going on without them. Serialised, it is
 * the body of the {@code memory_recall} message: {@code {"items": [...]}} or {@code {"items": [], "error": "..."}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryRecall(
        List<RecalledMemory> items,
        String error,
        @JsonIgnore String detail) {

    /** The memory store failed or could not be reached. */
    public static final String UNAVAILABLE = "memory_unavailable";
    /** The store did not answer within {@code warden.memory.recall.timeout}. */
    public static final String TIMEOUT = "memory_timeout";

    public MemoryRecall {
        items = List.copyOf(items);
    }

    public static MemoryRecall of(List<RecalledMemory> items) {
        return new MemoryRecall(items, null, null);
    }

    public static MemoryRecall failed(String error, String detail) {
        return new MemoryRecall(List.of(), error, detail);
    }

    @JsonIgnore
    public boolean failed() {
        return error != null;
    }

    /** As the {@code memory_recall} event of a turn. */
    public AgentEvent.MemoryRecall toEvent() {
        return new AgentEvent.MemoryRecall(
                items.stream()
                        .map(item -> new AgentEvent.MemoryRecall.Item(
                                item.id(),
                                item.text(),
                                item.score(),
                                item.sessionId(),
                                item.at() == null ? null : item.at().toString()))
                        .toList(),
                error);
    }

    /** The recalled memories as text for the model request ({@link AgentEvent.MemoryRecall#context()}). */
    public String asContext() {
        return toEvent().context();
    }
}
