package dev.warden.tools.policy;

/**
 * What a tool can do, decided by Warden for each tool (see {@link ToolRisks}), never by the model: the model's own
 * opinion of a call's risk is not an input anywhere in this package.
 */
public enum RiskClass {
    /** Reads the workspace or the clock; changes nothing. */
    READ,
    /** Changes files in the workspace. */
    WRITE,
    /** Runs a program. */
    EXECUTE,
    /** Talks to another machine. */
    NETWORK
}
