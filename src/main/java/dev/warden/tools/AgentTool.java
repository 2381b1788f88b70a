package dev.warden.tools;

/**
 * Marks a CDI bean whose langchain4j {@code @Tool} methods the agent may call. The tool's name and parameters are part
 * of the contract with the model: rename one and recorded sessions no longer replay.
 */
public interface AgentTool {}
