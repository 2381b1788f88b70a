package dev.warden.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import java.util.List;

/** Conversation messages and tool specifications as JSON trees, in langchain4j's own format, for the journal. */
public final class Transcripts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Transcripts() {}

    public static JsonNode messages(List<ChatMessage> messages) {
        return tree(ChatMessageSerializer.messagesToJson(messages));
    }

    public static JsonNode message(ChatMessage message) {
        return tree(ChatMessageSerializer.messageToJson(message));
    }

    public static List<ChatMessage> messages(JsonNode json) {
        return ChatMessageDeserializer.messagesFromJson(json.toString());
    }

    public static ChatMessage message(JsonNode json) {
        return ChatMessageDeserializer.messageFromJson(json.toString());
    }

    public static JsonNode tools(List<ToolSpecification> tools) {
        ArrayNode array = JSON.createArrayNode();
        for (ToolSpecification tool : tools) {
            array.add(tree(tool.toJson()));
        }
        return array;
    }

    /** Generation parameters as JSON, keys sorted so equal parameters journal equally. */
    public static JsonNode parameters(java.util.Map<String, Object> parameters) {
        return JSON.valueToTree(new java.util.TreeMap<>(parameters));
    }

    /** The parameters a journaled request recorded (none when it predates them). */
    public static java.util.Map<String, Object> parameters(JsonNode parameters) {
        if (parameters == null || !parameters.isObject()) {
            return java.util.Map.of();
        }
        return JSON.convertValue(parameters, new com.fasterxml.jackson.core.type.TypeReference<>() {});
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("langchain4j produced invalid JSON", e);
        }
    }
}
