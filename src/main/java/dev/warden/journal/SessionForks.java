package dev.warden.journal;

import dev.warden.agent.AgentEvent;
import dev.warden.agent.Transcripts;
import dev.warden.agent.Turn;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Time travel: copies a session up to a seq into a new session of the same user that continues live. A turn the cut
 * goes through is closed in the copy the way a restart closes one ({@code turn_interrupted}), so the fork starts idle.
 */
@ApplicationScoped
public class SessionForks {

    static final int PAGE = 1000;

    private final SessionStore sessions;
    private final EventJournal journal;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;

    SessionForks(SessionStore sessions, EventJournal journal, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this.sessions = sessions;
        this.journal = journal;
        this.mapper = mapper;
    }

    public SessionStore.Session fork(SessionStore.Session source, long upToSeq) {
        String title = "Fork of " + (source.title() == null ? "a session" : source.title()) + " at " + upToSeq;
        SessionStore.Session fork = sessions.create(source.userId(), SessionStore.titleFrom(title));
        List<JournalEntry> copied = new ArrayList<>();
        EventJournal.Position cursor = new EventJournal.Position(0, 0);
        EventJournal.Position end = new EventJournal.Position(upToSeq, Integer.MAX_VALUE);
        while (true) {
            List<JournalEntry> page = journal.after(source.id(), cursor, end, PAGE);
            for (JournalEntry entry : page) {
                copied.add(new JournalEntry(
                        fork.id(),
                        entry.seq(),
                        entry.sub(),
                        entry.type(),
                        entry.turnId(),
                        entry.traceId(),
                        entry.ts(),
                        entry.payload()));
            }
            if (page.size() < PAGE) {
                break;
            }
            cursor = new EventJournal.Position(
                    page.getLast().seq(), page.getLast().sub());
        }
        copied.addAll(closeCutTurn(fork.id(), copied, upToSeq));
        journal.append(copied);
        return fork;
    }

    /** The entries that close a turn the cut goes through, or none. */
    private List<JournalEntry> closeCutTurn(String sessionId, List<JournalEntry> copied, long upToSeq) {
        String openTurn = null;
        for (JournalEntry entry : copied) {
            switch (entry.type()) {
                case "turn_started" -> openTurn = entry.turnId();
                case "turn_completed", "turn_interrupted" -> openTurn = null;
                default -> {}
            }
        }
        if (openTurn == null) {
            return List.of();
        }
        List<AgentEvent> events = new ArrayList<>();
        String traceId = null;
        int lastSub = 0;
        for (JournalEntry entry : copied) {
            if (openTurn.equals(entry.turnId())) {
                JournalCodec.event(entry).ifPresent(events::add);
                traceId = traceId == null ? entry.traceId() : traceId;
            }
            lastSub = entry.seq() == upToSeq ? entry.sub() : lastSub;
        }
        String why = "the session was forked here";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        AgentEvent.Conversation conversation =
                new AgentEvent.Conversation(Transcripts.messages(Turn.transcriptOf(events, why)));
        AgentEvent.TurnInterrupted interrupted = new AgentEvent.TurnInterrupted(why);
        return List.of(
                new JournalEntry(
                        sessionId,
                        upToSeq,
                        lastSub + 1,
                        conversation.type(),
                        openTurn,
                        traceId,
                        now,
                        mapper.valueToTree(conversation).toString()),
                new JournalEntry(
                        sessionId,
                        upToSeq + 1,
                        0,
                        interrupted.type(),
                        openTurn,
                        traceId,
                        now,
                        mapper.valueToTree(interrupted).toString()));
    }
}
