package dev.warden.firewall;

/** Where an untrusted text comes from; each source has its own thresholds. */
public enum Source {
    /** The user's message, before memory and model. */
    USER,
    /** A tool's result, before it returns to the model (indirect injection). */
    TOOL,
    /** A recalled memory, before it joins the model's context. */
    MEMORY
}
