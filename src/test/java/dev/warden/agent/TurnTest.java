package dev.warden.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import io.opentelemetry.context.Context;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnTest {

    private final Turn turn = new Turn("t", "s", "u", "m", "hi", Context.root());

    @Test
    void aClosedTranscriptAnswersEveryToolCallSoProvidersAcceptIt() {
        ToolExecutionRequest a = ToolExecutionRequest.builder()
                .id("a")
                .name("current_time")
                .arguments("{}")
                .build();
        ToolExecutionRequest b = ToolExecutionRequest.builder()
                .id("b")
                .name("current_time")
                .arguments("{}")
                .build();
        turn.add(UserMessage.from("hi"));
        turn.add(AiMessage.from(List.of(a, b)));
        turn.add(ToolExecutionResultMessage.from(a, "noon"));

        List<ChatMessage> closed = turn.closedTranscript("the turn was cancelled");

        assertThat(closed).hasSize(4);
        assertThat(closed.get(2)).isEqualTo(ToolExecutionResultMessage.from(a, "noon"));
        ToolExecutionResultMessage synthetic = (ToolExecutionResultMessage) closed.get(3);
        assertThat(synthetic.id()).isEqualTo("b");
        assertThat(synthetic.text()).contains("Not run").contains("cancelled");
    }

    @Test
    void aPartlyStreamedAnswerIsKeptAsFarAsTheUserSawIt() {
        turn.add(UserMessage.from("hi"));
        turn.appendPartial("Hel");
        turn.appendPartial("lo");
        assertThat(turn.closedTranscript("x")).containsExactly(UserMessage.from("hi"), AiMessage.from("Hello"));
    }

    @Test
    void aCompletedAnswerReplacesItsPartialTokens() {
        turn.add(UserMessage.from("hi"));
        turn.appendPartial("Hello");
        turn.add(AiMessage.from("Hello"));
        assertThat(turn.closedTranscript("x")).containsExactly(UserMessage.from("hi"), AiMessage.from("Hello"));
    }

    @Test
    void aTurnFinishesOnce() {
        assertThat(turn.finish()).isTrue();
        assertThat(turn.finish()).isFalse();
        assertThat(turn.isFinished()).isTrue();
    }

    @Test
    void usageAddsUpAcrossStepsAndToleratesMissingCounts() {
        turn.addUsage(new AgentEvent.Usage(10, 2, 12));
        turn.addUsage(new AgentEvent.Usage(null, 3, null));
        assertThat(turn.usage()).isEqualTo(new AgentEvent.Usage(10, 5, 12));
    }
}
