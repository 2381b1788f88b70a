package dev.warden.tools.policy;

/** What the operator's policy says about one tool call. Ordered from the most to the least permissive. */
public enum Decision {
    /** Run without asking. */
    ALLOW,
    /** Run only after a person approves it. */
    ASK,
    /** Never run. Nothing a user chooses (an approval, a session grant) lifts this. */
    DENY;

    /** The stricter of the two. */
    public Decision strictest(Decision other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
