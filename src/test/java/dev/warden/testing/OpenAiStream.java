package dev.warden.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an OpenAI chat-completions stream ({@code text/event-stream}) chunk by chunk, exactly as the API sends it:
 * a role chunk, content or tool-call deltas, a finish chunk, a usage chunk, then {@code [DONE]}.
 */
public final class OpenAiStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> events = new ArrayList<>();
    private final String id = "chatcmpl-test";

    public static OpenAiStream create() {
        OpenAiStream stream = new OpenAiStream();
        ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
        stream.chunk(delta, null);
        return stream;
    }

    public OpenAiStream text(String... tokens) {
        for (String token : tokens) {
            chunk(JSON.createObjectNode().put("content", token), null);
        }
        return this;
    }

    /** A tool call with these JSON arguments, in one piece. */
    public OpenAiStream call(int index, String callId, String name, Object arguments) {
        try {
            return toolCall(index, callId, name, JSON.writeValueAsString(arguments));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A tool call whose JSON arguments arrive split into the given pieces. */
    public OpenAiStream toolCall(int index, String callId, String name, String... argumentPieces) {
        ObjectNode first = JSON.createObjectNode();
        ArrayNode calls = first.putArray("tool_calls");
        ObjectNode call =
                calls.addObject().put("index", index).put("id", callId).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        chunk(first, null);
        for (String piece : argumentPieces) {
            ObjectNode delta = JSON.createObjectNode();
            delta.putArray("tool_calls")
                    .addObject()
                    .put("index", index)
                    .putObject("function")
                    .put("arguments", piece);
            chunk(delta, null);
        }
        return this;
    }

    public String finish(String reason, int promptTokens, int completionTokens) {
        chunk(JSON.createObjectNode(), reason);
        ObjectNode usage = base();
        usage.putArray("choices");
        usage.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        events.add(usage.toString());
        events.add("[DONE]");
        StringBuilder body = new StringBuilder();
        for (String event : events) {
            body.append("data: ").append(event).append("\n\n");
        }
        return body.toString();
    }

    private void chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        events.add(chunk.toString());
    }

    private ObjectNode base() {
        return JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", 1_764_000_000L)
                .put("model", "gpt-test");
    }
}
