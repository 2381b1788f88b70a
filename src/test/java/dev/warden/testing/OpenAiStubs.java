package dev.warden.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** Stubs of the fake OpenAI server used by several tests. WireMock priority 1 is the highest. */
public final class OpenAiStubs {

    private OpenAiStubs() {}

    /** Every request whose body contains {@code marker} gets this stream. */
    public static void answer(String marker, String sse) {
        answer(marker, sse, 5);
    }

    /** The same at a priority, to win over stubs a longer conversation also matches (the tool stubs use 3 and 4). */
    public static void answer(String marker, String sse, int priority) {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(priority)
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(sse)));
    }

    /**
     * The model first makes the calls of {@code calls} (an OpenAI stream), then, once tool results are in the
     * conversation, answers {@code answer}.
     */
    public static void toolsThenAnswer(String marker, String calls, String answer) {
        toolsThenAnswer(marker, calls, answer, null, 3);
    }

    /**
     * The same, for sessions with several such turns: the answer comes once the result of {@code callId} (a call of
     * this turn) is in the conversation, and the stubs take priorities {@code priority} and {@code priority + 1}.
     */
    public static void toolsThenAnswer(String marker, String calls, String answer, String callId, int priority) {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(priority)
                        .withRequestBody(containing(marker))
                        // The client pretty-prints its JSON: "tool_call_id" : "x".
                        .withRequestBody(
                                callId == null
                                        ? containing("tool_call_id")
                                        : matching("(?s).*\"tool_call_id\"\\s*:\\s*\"" + callId + "\".*"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create().text(answer).finish("stop", 30, 6))));
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(priority + 1)
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(calls)));
    }

    /**
     * The model first calls {@code current_time} for {@code zone}, then, once the tool result is in the conversation,
     * answers {@code answer}.
     */
    public static void timeToolThenAnswer(String marker, String zone, String answer) {
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(3)
                        .withRequestBody(containing(marker))
                        .withRequestBody(containing("tool_call_id"))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create().text(answer).finish("stop", 30, 6))));
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/v1/chat/completions"))
                        .atPriority(4)
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "text/event-stream")
                                .withBody(OpenAiStream.create()
                                        .toolCall(
                                                0,
                                                "call_" + marker.substring(0, 8),
                                                "current_time",
                                                "{\"timeZone\":\"" + zone + "\"}")
                                        .finish("tool_calls", 20, 8))));
    }
}
