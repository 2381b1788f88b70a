package dev.warden.model;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.warden.testing.ProviderFakes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Ollama client (native /api/chat, newline-delimited JSON) against a fake speaking that format. */
@QuarkusTest
@QuarkusTestResource(ProviderFakes.class)
class ModelProvidersTest {

    @Inject
    ModelProviders providers;

    @Test
    void ollamaStreamsItsNativeFormat() throws Exception {
        String marker = "O" + UUID.randomUUID().toString().replace("-", "");
        String body = """
                {"model":"llama-test","created_at":"2026-11-25T12:00:00Z","message":{"role":"assistant","content":"Bon"},"done":false}
                {"model":"llama-test","created_at":"2026-11-25T12:00:00Z","message":{"role":"assistant","content":"jour"},"done":false}
                {"model":"llama-test","created_at":"2026-11-25T12:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":2}
                """;
        ProviderFakes.wireMock()
                .stubFor(post(urlEqualTo("/api/chat"))
                        .withRequestBody(containing(marker))
                        .willReturn(aResponse()
                                .withHeader("Content-Type", "application/x-ndjson")
                                .withBody(body)));

        ChatModelClient client = providers.create("ollama");
        assertThat(client.provider()).isEqualTo("ollama");
        assertThat(client.model()).isEqualTo("llama-test");

        List<String> tokens = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        client.stream(
                ChatRequest.builder()
                        .messages(UserMessage.from("hello " + marker))
                        .build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partialResponse) {
                        tokens.add(partialResponse);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse completeResponse) {
                        done.complete(completeResponse);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse response = done.get(15, TimeUnit.SECONDS);
        assertThat(tokens).containsExactly("Bon", "jour");
        assertThat(response.aiMessage().text()).isEqualTo("Bonjour");
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(7);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(2);
    }

    @Test
    void anUnknownProviderIsNotConfiguredAndSaysWhatIsAllowed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> providers.create("claude-on-a-toaster"))
                .isInstanceOf(dev.warden.agent.ModelStage.ModelNotConfiguredException.class)
                .hasMessageContaining("openai, gemini or ollama");
    }
}
