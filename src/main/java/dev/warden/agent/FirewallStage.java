package dev.warden.agent;

import io.smallrye.mutiny.Uni;

/** First stage: decides what of the user's message may reach the model. */
public interface FirewallStage {

    Uni<Screening> screen(Turn turn);

    /** The firewall's decision on a user message. */
    sealed interface Screening {

        /** The message may go on, as {@code text} (sanitised). */
        record Accepted(String text) implements Screening {}

        /** The message stops here; the client gets {@code error} and the turn ends. */
        record Rejected(AgentEvent.Error error) implements Screening {}
    }
}
