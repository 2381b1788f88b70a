package dev.warden.firewall;

import java.util.List;

/**
 * The firewall's decision on one text.
 *
 * @param action what to do with the text
 * @param score how likely the text is an injection or jailbreak, 0..1
 * @param signals the reasons, strongest first
 * @param source where the text came from (its thresholds decided the action)
 */
public record Verdict(Action action, double score, List<Signal> signals, Source source) {

    public Verdict {
        signals = List.copyOf(signals);
    }

    /** What happens to the text. */
    public enum Action {
        /** Passes. */
        ALLOW,
        /** Passes, marked suspicious (shown to the user, logged). */
        FLAG,
        /** Stopped: never reaches the model. */
        BLOCK
    }

    /** The verdict for a text that was not scanned (the firewall is disabled). */
    public static Verdict allowUnscanned(Source source) {
        return new Verdict(Action.ALLOW, 0, List.of(), source);
    }
}
