package dev.warden.tools.policy;

import java.util.Map;

/** The risk class of each built-in tool. The names are the tools' contract with the model (see issue 4). */
public final class ToolRisks {

    public static final Map<String, RiskClass> BUILTIN = Map.of(
            "current_time", RiskClass.READ,
            "read_file", RiskClass.READ,
            "list_files", RiskClass.READ,
            "write_file", RiskClass.WRITE,
            "edit_file", RiskClass.WRITE,
            "run_shell", RiskClass.EXECUTE,
            "http_get", RiskClass.NETWORK);

    private ToolRisks() {}

    /** The tool's risk class; a tool Warden does not know is treated as {@link RiskClass#EXECUTE}. */
    public static RiskClass of(String tool) {
        return BUILTIN.getOrDefault(tool, RiskClass.EXECUTE);
    }
}
