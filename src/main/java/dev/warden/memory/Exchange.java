package dev.warden.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One completed turn to remember: who said what in which session and turn, when, and the final answer. Either text may
 * be empty (an exchange with both empty is not remembered). Times are kept to the millisecond, as every store keeps
 * them.
 */
public record Exchange(String userId, String sessionId, String turnId, Instant at, String userText, String answer) {

    public Exchange {
        Objects.requireNonNull(userId, "userId");
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS);
        userText = userText == null ? "" : userText;
        answer = answer == null ? "" : answer;
    }
}
