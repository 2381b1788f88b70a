package dev.warden.memory;

import java.util.Optional;

/**
 * Decides what of an exchange may be remembered, so that an instruction injected into a conversation cannot persist in
 * long-term memory and come back in a later turn. The firewall implements it (a bean of this type replaces
 * {@link AdmitEverything}, the default). Called once per piece of text before it is indexed, on the memory indexer's
 * thread: blocking work is fine there, and the piece's embedding is handed over so it is not computed twice.
 */
public interface MemoryScreen {

    /** A piece of an exchange about to be remembered, with its embedding (384 floats, unit length). */
    record Candidate(String userId, String sessionId, String turnId, String text, float[] vector) {}

    /**
     * The text to remember for this piece (the same, or with something removed), or empty to remember nothing of it.
     * Throwing means "cannot decide now": the piece waits and is screened again later.
     */
    Optional<String> admit(Candidate candidate);
}
