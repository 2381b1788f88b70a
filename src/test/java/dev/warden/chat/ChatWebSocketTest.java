package dev.warden.chat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.warden.testing.OpenAiStream;
import dev.warden.testing.ProviderFakes;
import dev.warden.testing.Users;
import dev.warden.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class ChatWebSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private String token;
    private String marker;

    @BeforeEach
    void freshUserAndMarker() {
        token = Users.newUserToken();
        marker = "M" + UUID.randomUUID().toString().replace("-", "");
    }

    private static void stubOpenAi(String bodyContains, String sse) {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing(bodyContains))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(sse)));
    }

    private List<LoggedRequest> providerRequests() {
        return ProviderFakes.wireMock()
                .findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(marker)));
    }

    private static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    @Test
    void turnStreamsTheAnswerTokenByTokenThenCompletes() {
        stubOpenAi(marker, OpenAiStream.create().text("Hel", "lo", " world").finish("stop", 12, 3));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            JsonNode ready = ws.next();
            assertThat(ready.path("type").asText()).isEqualTo("session_ready");
            String sessionId = ready.path("sessionId").asText();
            assertThat(ready.path("resumed").asBoolean()).isFalse();
            // A new session has no event yet: the reply carries seq 0 and lastSeq 0 (docs/protocol.md).
            assertThat(ready.path("seq").isIntegralNumber()).isTrue();
            assertThat(ready.path("seq").asLong()).isZero();
            assertThat(ready.path("lastSeq").asLong()).isZero();

            String messageId = ws.say("Say hello " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();

            assertThat(types(turn))
                    .containsExactly(
                            "turn_started",
                            "firewall_verdict",
                            "memory_recall",
                            "token",
                            "token",
                            "token",
                            "turn_completed");
            assertThat(turn.getFirst().path("messageId").asText()).isEqualTo(messageId);
            assertThat(turn.stream()
                            .filter(m -> m.path("type").asText().equals("token"))
                            .map(m -> m.path("text").asText())
                            .collect(Collectors.joining()))
                    .isEqualTo("Hello world");
            JsonNode completed = turn.getLast();
            assertThat(completed.path("finishReason").asText()).isEqualTo("stop");
            assertThat(completed.path("usage").path("inputTokens").asInt()).isEqualTo(12);
            assertThat(completed.path("usage").path("outputTokens").asInt()).isEqualTo(3);
            assertThat(completed.path("usage").path("totalTokens").asInt()).isEqualTo(15);
            for (JsonNode message : turn) {
                assertThat(message.path("sessionId").asText()).isEqualTo(sessionId);
                assertThat(message.path("turnId").asText())
                        .isEqualTo(turn.getFirst().path("turnId").asText());
                assertThat(message.path("ts").asText()).endsWith("Z");
            }
        }
        assertThat(providerRequests()).hasSize(1);
    }

    @Test
    void seqIsGapFreeFromOneAndATurnHasOneTraceIdThatTheProviderReceives() {
        stubOpenAi(marker, OpenAiStream.create().text("a", "b").finish("stop", 1, 2));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("one " + marker);
            List<JsonNode> first = ws.untilTurnCompleted();
            ws.say("two " + marker);
            List<JsonNode> second = ws.untilTurnCompleted();

            List<Long> seqs = new java.util.ArrayList<>();
            first.forEach(m -> seqs.add(m.path("seq").asLong()));
            second.forEach(m -> seqs.add(m.path("seq").asLong()));
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(i + 1L);
            }
            String traceId = first.getFirst().path("traceId").asText();
            assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
            assertThat(first)
                    .allSatisfy(m -> assertThat(m.path("traceId").asText()).isEqualTo(traceId));
            assertThat(second.getFirst().path("traceId").asText()).isNotEqualTo(traceId);

            String traceparent = providerRequests().getFirst().getHeader("traceparent");
            assertThat(traceparent).startsWith("00-" + traceId + "-");
        }
    }

    @Test
    void aClientTraceparentMakesTheTurnPartOfTheClientsTrace() {
        stubOpenAi(marker, OpenAiStream.create().text("ok").finish("stop", 1, 1));
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.send(
                    "user_message",
                    "text",
                    "traced " + marker,
                    "traceparent",
                    "00-" + clientTrace + "-00f067aa0ba902b7-01");
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn)
                    .allSatisfy(m -> assertThat(m.path("traceId").asText()).isEqualTo(clientTrace));
        }
        assertThat(providerRequests().getFirst().getHeader("traceparent")).startsWith("00-" + clientTrace + "-");
    }

    @Test
    void theToolLoopRunsTheToolAndSendsItsResultBackToTheModel() throws Exception {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(1)
                        .withRequestBody(containing(marker))
                        .withRequestBody(containing("tool_call_id"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .text("It is noon in Paris.")
                                        .finish("stop", 30, 6))));
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(2)
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .toolCall(
                                                0, "call_1", "current_time", "{\"time", "Zone\": \"Europe", "/Paris\"}")
                                        .finish("tool_calls", 20, 8))));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("What time is it in Paris? " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();

            assertThat(types(turn))
                    .containsExactly(
                            "turn_started",
                            "firewall_verdict",
                            "memory_recall",
                            "tool_call",
                            "tool_result",
                            "token",
                            "turn_completed");
            JsonNode call = turn.get(3);
            assertThat(call.path("toolCallId").asText()).isEqualTo("call_1");
            assertThat(call.path("tool").asText()).isEqualTo("current_time");
            assertThat(call.path("arguments").path("timeZone").asText()).isEqualTo("Europe/Paris");
            JsonNode result = turn.get(4);
            assertThat(result.path("toolCallId").asText()).isEqualTo("call_1");
            assertThat(result.path("error").asBoolean()).isFalse();
            assertThat(result.path("result").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\(Europe/Paris\\)");
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
            assertThat(turn.getLast().path("usage").path("totalTokens").asInt()).isEqualTo(64);

            List<LoggedRequest> requests = providerRequests();
            assertThat(requests).hasSize(2);
            JsonNode second = JSON.readTree(requests.get(1).getBodyAsString());
            JsonNode toolMessage =
                    second.path("messages").get(second.path("messages").size() - 1);
            assertThat(toolMessage.path("role").asText()).isEqualTo("tool");
            assertThat(toolMessage.path("tool_call_id").asText()).isEqualTo("call_1");
            assertThat(toolMessage.path("content").asText())
                    .isEqualTo(result.path("result").asText());
            assertThat(second.path("tools").toString()).contains("current_time");
        }
    }

    @Test
    void aToolErrorGoesBackToTheModelAndTheTurnGoesOn() {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(1)
                        .withRequestBody(containing(marker))
                        .withRequestBody(containing("tool_call_id"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create().text("Sorry.").finish("stop", 1, 1))));
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(2)
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .toolCall(0, "call_a", "current_time", "{\"timeZone\":\"Mars/Olympus\"}")
                                        .toolCall(1, "call_b", "no_such_tool", "{}")
                                        .finish("tool_calls", 1, 1))));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("time on mars " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            List<JsonNode> results = turn.stream()
                    .filter(m -> m.path("type").asText().equals("tool_result"))
                    .toList();
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("error").asBoolean()).isTrue();
            assertThat(results.get(0).path("result").asText()).contains("Mars/Olympus");
            assertThat(results.get(1).path("error").asBoolean()).isTrue();
            assertThat(results.get(1).path("result").asText()).contains("Unknown tool: no_such_tool");
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void theStepLimitEndsATurnWhoseModelKeepsCallingTools() {
        stubOpenAi(
                marker,
                OpenAiStream.create()
                        .toolCall(0, "call_x", "current_time", "{}")
                        .finish("tool_calls", 1, 1));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("loop forever " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("step_limit");
            assertThat(turn.stream().filter(m -> m.path("type").asText().equals("tool_result")))
                    .hasSize(7);
        }
        assertThat(providerRequests()).hasSize(8);
    }

    @Test
    void cancelStopsTheTurnPromptlyAndClosesTheProviderRequest() throws Exception {
        StringBuilder sse = new StringBuilder();
        String head = OpenAiStream.create().text("first").finish("stop", 1, 1);
        sse.append(head, 0, head.indexOf("data: {", head.indexOf("first")));
        for (int i = 0; i < 200; i++) {
            sse.append("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" more\"},\"finish_reason\":null}]}\n\n");
        }
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(sse.toString())
                                .withChunkedDribbleDelay(200, 60_000)));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("a long answer " + marker);
            String turnId = ws.await("turn_started").path("turnId").asText();
            ws.await("token");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !ProviderFakes.proxy().carrying(marker).isEmpty());
            assertThat(ProviderFakes.proxy().carrying(marker).getFirst().isClosed())
                    .isFalse();

            ws.send("cancel", "turnId", turnId);
            JsonNode completed = ws.await("turn_completed");
            assertThat(completed.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(completed.path("turnId").asText()).isEqualTo(turnId);
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            ProviderFakes.proxy().carrying(marker).getFirst().isClosed());
            assertThat(ws.silentFor(Duration.ofMillis(700)))
                    .as("no token after turn_completed")
                    .isTrue();

            ws.send("cancel", "turnId", turnId);
            JsonNode error = ws.await("error");
            assertThat(error.path("code").asText()).isEqualTo("no_active_turn");
        }
    }

    @Test
    void aSecondMessageDuringATurnIsBusyAndTheTurnGoesOn() {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .text("slow", " answer")
                                        .finish("stop", 1, 2))
                                .withFixedDelay(1500)));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("first " + marker);
            ws.await("turn_started");
            String second = ws.say("second " + marker);
            JsonNode busy = ws.await("error");
            assertThat(busy.path("code").asText()).isEqualTo("busy");
            assertThat(busy.path("replyTo").asText()).isEqualTo(second);
            assertThat(busy.path("recoverable").asBoolean()).isTrue();
            JsonNode completed = ws.await("turn_completed");
            assertThat(completed.path("finishReason").asText()).isEqualTo("stop");
        }
        assertThat(providerRequests()).hasSize(1);
    }

    @Test
    void badInputGetsAStableCodeAndTheSessionStaysUsable() {
        stubOpenAi(marker, OpenAiStream.create().text("still here").finish("stop", 1, 2));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");

            ws.sendRaw("{not json");
            assertError(ws.await("error"), "bad_json", null);
            ws.sendRaw("[1,2]");
            assertError(ws.await("error"), "bad_json", null);
            ws.sendRaw("{\"type\":\"teleport\",\"id\":\"t1\"}");
            assertError(ws.await("error"), "unknown_type", "type");
            ws.sendRaw("{\"id\":\"t2\",\"text\":\"hi\"}");
            assertError(ws.await("error"), "invalid_message", "type");
            ws.sendRaw("{\"type\":\"user_message\",\"text\":\"hi\"}");
            assertError(ws.await("error"), "invalid_message", "id");
            ws.sendRaw("{\"type\":\"user_message\",\"id\":\"t3\"}");
            assertError(ws.await("error"), "invalid_message", "text");
            ws.sendRaw("{\"type\":\"user_message\",\"id\":\"t4\",\"text\":42}");
            assertError(ws.await("error"), "invalid_message", "text");
            ws.sendRaw("{\"type\":\"resume\",\"id\":\"t5\",\"lastSeq\":-3}");
            assertError(ws.await("error"), "invalid_message", "lastSeq");
            ws.sendRaw("{\"type\":\"cancel\",\"id\":\"t6\"}");
            assertError(ws.await("error"), "invalid_message", "turnId");
            ws.sendRaw("{\"type\":\"ping\",\"id\":\"t7\",\"text\":\"" + "x".repeat(300_000) + "\"}");
            assertError(ws.await("error"), "too_large", null);

            ws.sendRaw("{\"type\":\"ping\",\"id\":\"p1\",\"future\":{\"field\":true}}");
            JsonNode pong = ws.await("pong");
            assertThat(pong.path("replyTo").asText()).isEqualTo("p1");

            ws.say("x".repeat(40_000));
            List<JsonNode> rejected = ws.untilTurnCompleted();
            assertThat(types(rejected)).containsExactly("turn_started", "error", "turn_completed");
            assertThat(rejected.get(1).path("code").asText()).isEqualTo("too_large");
            assertThat(rejected.get(1).path("field").asText()).isEqualTo("text");
            assertThat(rejected.getLast().path("finishReason").asText()).isEqualTo("error");

            ws.say("after all that " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn.getLast().path("finishReason").asText()).isEqualTo("stop");
        }
    }

    private static void assertError(JsonNode error, String code, String field) {
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("recoverable").asBoolean()).isTrue();
        if (field != null) {
            assertThat(error.path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void controlCharactersAreRemovedAndTextIsNormalisedBeforeTheModelSeesIt() throws Exception {
        stubOpenAi(marker, OpenAiStream.create().text("ok").finish("stop", 1, 1));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("ﬁle\u0000 and \u0007bell ① " + marker);
            ws.untilTurnCompleted();
        }
        JsonNode body = JSON.readTree(providerRequests().getFirst().getBodyAsString());
        JsonNode messages = body.path("messages");
        assertThat(messages.get(messages.size() - 1).path("content").asText()).isEqualTo("file and bell 1 " + marker);
    }

    @Test
    void aProviderFailureEndsTheTurnWithModelErrorAndTheSessionGoesOn() {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing(marker + "-fail"))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}")));
        stubOpenAi(marker + "-ok", OpenAiStream.create().text("fine").finish("stop", 1, 1));
        try (WsClient ws = WsClient.connect(base, token, "")) {
            ws.await("session_ready");
            ws.say("please " + marker + "-fail");
            List<JsonNode> failed = ws.untilTurnCompleted();
            assertThat(types(failed))
                    .containsExactly("turn_started", "firewall_verdict", "memory_recall", "error", "turn_completed");
            assertThat(failed.get(3).path("code").asText()).isEqualTo("model_error");
            assertThat(failed.getLast().path("finishReason").asText()).isEqualTo("error");

            ws.say("again " + marker + "-ok");
            assertThat(ws.untilTurnCompleted().getLast().path("finishReason").asText())
                    .isEqualTo("stop");
        }
    }

    @Test
    void aReattachedSessionContinuesItsConversation() throws Exception {
        stubOpenAi(marker, OpenAiStream.create().text("Noted: blue.").finish("stop", 1, 1));
        String sessionId;
        long lastSeq;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("My favourite colour is blue. " + marker);
            lastSeq = ws.untilTurnCompleted().getLast().path("seq").asLong();
        }
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            JsonNode ready = ws.await("session_ready");
            assertThat(ready.path("sessionId").asText()).isEqualTo(sessionId);
            assertThat(ready.path("resumed").asBoolean()).isTrue();
            assertThat(ready.path("lastSeq").asLong()).isEqualTo(lastSeq);
            assertThat(ready.path("seq").asLong()).isEqualTo(lastSeq);
            ws.say("What is my favourite colour? " + marker);
            List<JsonNode> turn = ws.untilTurnCompleted();
            assertThat(turn.getFirst().path("seq").asLong()).isEqualTo(lastSeq + 1);
        }
        JsonNode second = JSON.readTree(providerRequests().get(1).getBodyAsString());
        String conversation = second.path("messages").toString();
        assertThat(conversation).contains("My favourite colour is blue.").contains("Noted: blue.");
        assertThat(conversation.indexOf("My favourite colour is blue."))
                .isLessThan(conversation.indexOf("What is my favourite colour?"));
    }

    @Test
    void resumeDeliversEveryEventAfterLastSeqInOrderThenLiveOnes() {
        stubOpenAi(marker, OpenAiStream.create().text("x", "y", "z").finish("stop", 1, 3));
        String sessionId;
        List<JsonNode> original;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("count " + marker);
            original = ws.untilTurnCompleted();
        }
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            ws.await("session_ready");
            ws.send("resume", "lastSeq", 2);
            List<JsonNode> replayed = ws.untilTurnCompleted();
            assertThat(replayed).hasSize(original.size() - 2);
            for (int i = 0; i < replayed.size(); i++) {
                assertThat(replayed.get(i)).isEqualTo(original.get(i + 2));
            }
            ws.send("resume", "lastSeq", 999);
            JsonNode error = ws.await("error");
            assertThat(error.path("code").asText()).isEqualTo("seq_out_of_range");
            ws.say("live " + marker);
            JsonNode live = ws.await("turn_started");
            assertThat(live.path("seq").asLong())
                    .isEqualTo(original.getLast().path("seq").asLong() + 1);
        }
    }

    @Test
    void aClientThatLeavesMidStreamAndResumesMissesNothingAndSeesNothingTwice() {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            words.add("w" + i + " ");
        }
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .text(words.toArray(String[]::new))
                                        .finish("stop", 1, 40))
                                .withChunkedDribbleDelay(40, 4_000)));
        String sessionId;
        List<JsonNode> before = new ArrayList<>();
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("stream slowly " + marker);
            before.add(ws.await("turn_started"));
            before.add(ws.await("token"));
        }
        long lastSeq = before.getLast().path("seq").asLong();
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            ws.await("session_ready");
            ws.send("resume", "lastSeq", lastSeq);
            List<JsonNode> after = ws.untilTurnCompleted();
            assertThat(after.getLast().path("finishReason").asText()).isEqualTo("stop");
            long expected = lastSeq;
            for (JsonNode event : after) {
                assertThat(event.path("seq").asLong()).as(event.toString()).isEqualTo(++expected);
            }
            StringBuilder text = new StringBuilder();
            java.util.stream.Stream.concat(before.stream(), after.stream())
                    .filter(m -> m.path("type").asText().equals("token"))
                    .forEach(m -> text.append(m.path("text").asText()));
            assertThat(text.toString()).isEqualTo(String.join("", words));
        }
    }

    @Test
    void everyConnectionOfASessionReceivesTheLiveEvents() {
        stubOpenAi(marker, OpenAiStream.create().text("to", " both").finish("stop", 1, 2));
        try (WsClient laptop = WsClient.connect(base, token, "")) {
            String sessionId = laptop.await("session_ready").path("sessionId").asText();
            try (WsClient phone = WsClient.connect(base, token, "sessionId=" + sessionId)) {
                long head = phone.await("session_ready").path("lastSeq").asLong();
                phone.send("resume", "lastSeq", head);
                laptop.say("hello both " + marker);
                List<JsonNode> onLaptop = laptop.untilTurnCompleted();
                List<JsonNode> onPhone = phone.untilTurnCompleted();
                assertThat(onPhone).isEqualTo(onLaptop);
            }
        }
    }

    @jakarta.inject.Inject
    SessionHub hub;

    @Test
    void aSessionNobodyIsConnectedToIsForgottenByTheHubAndComesBackIntact() {
        stubOpenAi(marker, OpenAiStream.create().text("kept").finish("stop", 1, 1));
        String sessionId;
        long lastSeq;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
            ws.say("remember me " + marker);
            lastSeq = ws.untilTurnCompleted().getLast().path("seq").asLong();
            assertThat(hub.inMemory(sessionId)).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !hub.inMemory(sessionId));
        try (WsClient ws = WsClient.connect(base, token, "sessionId=" + sessionId)) {
            assertThat(ws.await("session_ready").path("lastSeq").asLong()).isEqualTo(lastSeq);
            ws.say("again " + marker);
            assertThat(ws.await("turn_started").path("seq").asLong()).isEqualTo(lastSeq + 1);
        }
    }

    @Test
    void someoneElsesSessionIsRefusedExactlyLikeAnUnknownOne() {
        String sessionId;
        try (WsClient ws = WsClient.connect(base, token, "")) {
            sessionId = ws.await("session_ready").path("sessionId").asText();
        }
        String otherToken = Users.newUserToken();
        try (WsClient other = WsClient.connect(base, otherToken, "sessionId=" + sessionId)) {
            assertThat(other.awaitClose()).isEqualTo(ChatWebSocket.SESSION_NOT_FOUND_CLOSE);
            assertThat(other.closeReason()).isEqualTo("session_not_found");
            assertThat(other.received()).isEmpty();
        }
        try (WsClient unknown = WsClient.connect(base, otherToken, "sessionId=" + UUID.randomUUID())) {
            assertThat(unknown.awaitClose()).isEqualTo(ChatWebSocket.SESSION_NOT_FOUND_CLOSE);
            assertThat(unknown.closeReason()).isEqualTo("session_not_found");
        }
        try (WsClient garbage = WsClient.connect(base, otherToken, "sessionId=..%2F..%2Fetc")) {
            assertThat(garbage.awaitClose()).isEqualTo(ChatWebSocket.SESSION_NOT_FOUND_CLOSE);
        }
    }

    @Test
    void anUnauthenticatedUpgradeIsRefused() {
        var noToken = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
        assertThat(upgradeStatus(noToken)).isEqualTo(401);
        var badToken = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer wdn_not-a-real-token");
        assertThat(upgradeStatus(badToken)).isEqualTo(401);
    }

    private int upgradeStatus(java.net.http.WebSocket.Builder builder) {
        return upgradeStatus(builder, "");
    }

    private int upgradeStatus(java.net.http.WebSocket.Builder builder, String query) {
        try {
            builder.buildAsync(WsClient.chatUri(base, query), new java.net.http.WebSocket.Listener() {})
                    .join();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            return ((java.net.http.WebSocketHandshakeException) e.getCause())
                    .getResponse()
                    .statusCode();
        }
    }

    @Test
    void aBrowserOpensTheSocketWithAOneTimeTicket() {
        String ticket = io.restassured.RestAssured.given()
                .auth()
                .oauth2(token)
                .post("/api/ws-tickets")
                .then()
                .statusCode(200)
                .extract()
                .path("ticket");
        var builder = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
        try (WsClient ws = WsClient.connect(builder, WsClient.chatUri(base, "ticket=" + ticket))) {
            assertThat(ws.await("session_ready").path("sessionId").asText()).isNotBlank();
        }
        var again = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
        assertThat(upgradeStatus(again, "ticket=" + ticket))
                .as("a ticket works once")
                .isEqualTo(401);
        io.restassured.RestAssured.given()
                .get("/api/users/me?ticket=" + ticket)
                .then()
                .statusCode(401);
    }
}
