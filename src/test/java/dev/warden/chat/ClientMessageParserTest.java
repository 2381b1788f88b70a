package dev.warden.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.AgentEvent;
import org.junit.jupiter.api.Test;

class ClientMessageParserTest {

    private final ClientMessageParser parser = new ClientMessageParser(new ObjectMapper(), 1024);

    private AgentEvent.Error error(String frame) {
        var parsed = parser.parse(frame);
        assertThat(parsed).isInstanceOf(ClientMessageParser.Invalid.class);
        return ((ClientMessageParser.Invalid) parsed).error();
    }

    private ClientMessage valid(String frame) {
        var parsed = parser.parse(frame);
        assertThat(parsed).isInstanceOf(ClientMessageParser.Valid.class);
        return ((ClientMessageParser.Valid) parsed).message();
    }

    @Test
    void readsEveryClientMessageAndIgnoresUnknownFields() {
        assertThat(valid("{\"type\":\"user_message\",\"id\":\"1\",\"text\":\"hi\",\"extra\":[1]}"))
                .isEqualTo(new ClientMessage.UserMessage("1", "hi", null));
        assertThat(valid("{\"type\":\"user_message\",\"id\":\"1\",\"text\":\"\",\"traceparent\":\"00-x\"}"))
                .isEqualTo(new ClientMessage.UserMessage("1", "", "00-x"));
        assertThat(valid("{\"type\":\"cancel\",\"id\":\"2\",\"turnId\":\"t\"}"))
                .isEqualTo(new ClientMessage.Cancel("2", "t"));
        assertThat(valid("{\"type\":\"resume\",\"id\":\"3\",\"lastSeq\":0}"))
                .isEqualTo(new ClientMessage.Resume("3", 0));
        assertThat(valid("{\"type\":\"ping\",\"id\":\"4\"}")).isEqualTo(new ClientMessage.Ping("4"));
    }

    @Test
    void malformedFramesAreBadJson() {
        assertThat(error("").code()).isEqualTo("bad_json");
        assertThat(error("{").code()).isEqualTo("bad_json");
        assertThat(error("\"text\"").code()).isEqualTo("bad_json");
        assertThat(error("null").code()).isEqualTo("bad_json");
        assertThat(error("{\"a\":1} trailing").code()).isEqualTo("bad_json");
    }

    @Test
    void unknownTypesAreNamedAndTheIdIsEchoed() {
        AgentEvent.Error error = error("{\"type\":\"approve_everything\",\"id\":\"9\"}");
        assertThat(error.code()).isEqualTo("unknown_type");
        assertThat(error.replyTo()).isEqualTo("9");
        assertThat(error.message()).contains("approve_everything");
    }

    @Test
    void wrongOrMissingFieldsNameTheField() {
        assertThat(error("{\"id\":\"1\"}").field()).isEqualTo("type");
        assertThat(error("{\"type\":7,\"id\":\"1\"}").field()).isEqualTo("type");
        assertThat(error("{\"type\":\"ping\"}").field()).isEqualTo("id");
        assertThat(error("{\"type\":\"ping\",\"id\":\"\"}").field()).isEqualTo("id");
        assertThat(error("{\"type\":\"ping\",\"id\":\"" + "x".repeat(129) + "\"}")
                        .field())
                .isEqualTo("id");
        assertThat(error("{\"type\":\"user_message\",\"id\":\"1\",\"text\":null}")
                        .field())
                .isEqualTo("text");
        assertThat(error("{\"type\":\"user_message\",\"id\":\"1\",\"text\":{}}").field())
                .isEqualTo("text");
        assertThat(error("{\"type\":\"user_message\",\"id\":\"1\",\"text\":\"a\",\"traceparent\":1}")
                        .field())
                .isEqualTo("traceparent");
        assertThat(error("{\"type\":\"cancel\",\"id\":\"1\",\"turnId\":\"\"}").field())
                .isEqualTo("turnId");
        assertThat(error("{\"type\":\"resume\",\"id\":\"1\",\"lastSeq\":1.5}").field())
                .isEqualTo("lastSeq");
        assertThat(error("{\"type\":\"resume\",\"id\":\"1\",\"lastSeq\":\"3\"}").field())
                .isEqualTo("lastSeq");
        assertThat(error("{\"type\":\"resume\",\"id\":\"1\",\"lastSeq\":99999999999999999999}")
                        .field())
                .isEqualTo("lastSeq");
        assertThat(error("{\"type\":\"resume\",\"id\":\"1\"}").code()).isEqualTo("invalid_message");
    }

    @Test
    void framesOverTheLimitAreTooLargeCountingUtf8Bytes() {
        String ascii = "{\"type\":\"ping\",\"id\":\"1\",\"pad\":\"" + "a".repeat(1000) + "\"}";
        assertThat(ascii.length()).isGreaterThan(1024);
        assertThat(error(ascii).code()).isEqualTo("too_large");
        String multiByte = "{\"type\":\"ping\",\"id\":\"1\",\"pad\":\"" + "é".repeat(500) + "\"}";
        assertThat(multiByte.length()).isLessThan(1024);
        assertThat(error(multiByte).code()).isEqualTo("too_large");
        assertThat(valid("{\"type\":\"ping\",\"id\":\"1\",\"pad\":\"" + "é".repeat(400) + "\"}"))
                .isInstanceOf(ClientMessage.Ping.class);
    }

    @Test
    void deeplyNestedJsonIsRefusedNotAStackOverflow() {
        String deep = "{\"type\":\"ping\",\"id\":\"1\",\"x\":" + "[".repeat(400) + "]".repeat(400) + "}";
        var parser = new ClientMessageParser(new ObjectMapper(), 100_000);
        assertThat(parser.parse(deep)).isNotNull();
        String deeper = "[".repeat(5000) + "]".repeat(5000);
        var parsed = parser.parse(deeper);
        assertThat(parsed).isInstanceOf(ClientMessageParser.Invalid.class);
        assertThat(((ClientMessageParser.Invalid) parsed).error().code()).isEqualTo("bad_json");
    }
}
