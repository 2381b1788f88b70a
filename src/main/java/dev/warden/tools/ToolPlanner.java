package dev.warden.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.warden.agent.Turn;
import dev.warden.tools.policy.ArgumentPattern;
import dev.warden.tools.policy.CallSubject;
import dev.warden.tools.policy.Decision;
import dev.warden.tools.policy.PolicyDecision;
import dev.warden.tools.policy.PolicyRule;
import dev.warden.tools.policy.RiskPolicy;
import dev.warden.tools.policy.ToolCall;
import dev.warden.tools.policy.ToolPolicy;
import dev.warden.tools.policy.ToolRisks;
import dev.warden.tools.sandbox.WorkspacePath;
import dev.warden.tools.sandbox.WorkspacePathException;
import dev.warden.tools.sandbox.WorkspacePaths;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides, before anything runs, what happens to each tool call: its arguments read, its path resolved inside the
 * workspace, the operator's policy applied (the model's own opinion of the risk is never an input), and for a call that
 * needs a person, what it will do (a unified diff, the command, the URL). Blocking (reads files for the diffs).
 */
@ApplicationScoped
public class ToolPlanner {

    static final List<String> FILE_TOOLS = List.of("read_file", "list_files", "write_file", "edit_file");

    private final RiskPolicy policy;
    private final ObjectMapper mapper;

    ToolPlanner(ToolsConfig config, ObjectMapper mapper) {
        this.policy = new RiskPolicy(policy(config));
        this.mapper = mapper;
    }

    /** What will happen to one call. {@code refusal} is set when it is refused before the policy (bad arguments). */
    public record Plan(
            ToolExecutionRequest request,
            JsonNode arguments,
            String refusal,
            ToolCall call,
            PolicyDecision decision,
            String grantKey,
            JsonNode preview,
            String digest) {

        public boolean asks() {
            return refusal == null && decision.decision() == Decision.ASK;
        }
    }

    public Plan plan(Turn turn, ToolExecutionRequest request, WorkspacePaths workspace, List<String> grants) {
        JsonNode arguments = arguments(request);
        String digest = digest(request.name(), arguments);
        ToolCall call;
        try {
            call = call(request.name(), arguments, workspace);
        } catch (IllegalArgumentException refused) {
            return new Plan(request, arguments, "Refused: " + refused.getMessage(), null, null, null, null, digest);
        }
        List<ArgumentPattern> granted = grants.stream()
                .map(ToolPlanner::pattern)
                .flatMap(Optional::stream)
                .toList();
        PolicyDecision decision = policy.decide(call, granted);
        String grantKey = ArgumentPattern.of(call).map(ToolPlanner::key).orElse(null);
        JsonNode preview = decision.decision() == Decision.ASK ? preview(call, arguments, workspace) : null;
        return new Plan(request, arguments, null, call, decision, grantKey, preview, digest);
    }

    /** The plan for a tool this server does not have: refused, nothing to decide. */
    public Plan unknown(ToolExecutionRequest request) {
        JsonNode arguments = arguments(request);
        return new Plan(
                request,
                arguments,
                "Unknown tool: " + request.name(),
                null,
                null,
                null,
                null,
                digest(request.name(), arguments));
    }

    /** The JSON arguments the model sent, or a refusal when they are not a JSON object. */
    JsonNode arguments(ToolExecutionRequest request) {
        String raw = request.arguments();
        if (raw == null || raw.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(raw);
            return node != null && node.isObject()
                    ? node
                    : mapper.getNodeFactory().textNode(raw);
        } catch (Exception e) {
            return mapper.getNodeFactory().textNode(raw);
        }
    }

    private ToolCall call(String tool, JsonNode arguments, WorkspacePaths workspace) {
        if (!arguments.isObject()) {
            throw new IllegalArgumentException(
                    "The arguments are not a JSON object: " + abbreviate(arguments.asText()));
        }
        if (FILE_TOOLS.contains(tool)) {
            String requested = text(arguments, "path", tool.equals("list_files") ? "." : null);
            WorkspacePath resolved = resolve(workspace, requested);
            return ToolCall.file(tool, requested, resolved.relative());
        }
        return switch (tool) {
            case "run_shell" -> ToolCall.shell(text(arguments, "command", null));
            case "http_get" -> ToolCall.httpGet(text(arguments, "url", null));
            default -> new ToolCall(tool, ToolRisks.of(tool), new CallSubject.None());
        };
    }

    private static WorkspacePath resolve(WorkspacePaths workspace, String requested) {
        try {
            return workspace.resolve(requested);
        } catch (WorkspacePathException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode arguments, String field, String fallback) {
        JsonNode node = arguments.get(field);
        if (node == null
                || node.isNull()
                || (node.isTextual() && node.textValue().isBlank())) {
            if (fallback != null) {
                return fallback;
            }
            throw new IllegalArgumentException("The argument '" + field + "' is required.");
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("The argument '" + field + "' must be a string.");
        }
        return node.textValue();
    }

    private JsonNode preview(ToolCall call, JsonNode arguments, WorkspacePaths workspace) {
        ObjectNode preview = mapper.createObjectNode();
        switch (call.subject()) {
            case CallSubject.Command command ->
                preview.put("kind", "command")
                        .put("command", command.command())
                        .put("workingDirectory", workspace.root().toString());
            case CallSubject.Url url -> preview.put("kind", "url").put("url", url.url());
            case CallSubject.File file -> {
                preview.put("kind", "file").put("path", file.resolved());
                if (call.tool().equals("write_file") || call.tool().equals("edit_file")) {
                    preview.put("kind", "diff").put("diff", diff(call.tool(), arguments, workspace, file));
                }
            }
            case CallSubject.None none -> preview.put("kind", "call").set("arguments", arguments);
        }
        return preview;
    }

    private static String diff(String tool, JsonNode arguments, WorkspacePaths workspace, CallSubject.File file) {
        WorkspacePath path = workspace.resolve(file.resolved());
        String before;
        String after;
        try {
            before = FileTools.current(path.absolute(), file.resolved()).orElse(null);
            after = tool.equals("write_file")
                    ? arguments.path("content").asText("")
                    : FileTools.edited(
                            path.absolute(),
                            file.resolved(),
                            arguments.path("old_text").asText(null),
                            arguments.path("new_text").asText(""));
        } catch (RuntimeException e) {
            return "(no preview: " + e.getMessage() + ")";
        }
        List<String> original = before == null ? List.of() : lines(before);
        List<String> revised = lines(after);
        String from = before == null ? "/dev/null" : "a/" + file.resolved();
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(
                from, "b/" + file.resolved(), original, DiffUtils.diff(original, revised), 3);
        return unified.isEmpty() ? "(no change)" : String.join("\n", unified);
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1));
    }

    /** The digest binding an approval to the exact call: the tool and its arguments, keys sorted. */
    public String digest(String tool, JsonNode arguments) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tool.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(mapper.writeValueAsBytes(canonical(arguments)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            node.fields().forEachRemaining(field -> sorted.put(field.getKey(), canonical(field.getValue())));
            return sorted;
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items;
        }
        return node;
    }

    /** A session grant, stored as text: kind, tool and value. */
    static String key(ArgumentPattern pattern) {
        return pattern.kind().name() + "\u001f" + pattern.tool() + "\u001f" + pattern.value();
    }

    static Optional<ArgumentPattern> pattern(String key) {
        String[] parts = key.split("\u001f", 3);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ArgumentPattern(parts[1], ArgumentPattern.Kind.valueOf(parts[0]), parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** How a grant reads in an approval prompt ("git log *" for run_shell, ...). */
    public static String display(String grantKey) {
        return grantKey == null
                ? null
                : pattern(grantKey).map(ArgumentPattern::display).orElse(null);
    }

    static ToolPolicy policy(ToolsConfig config) {
        Map<dev.warden.tools.policy.RiskClass, Decision> defaults = Map.of(
                dev.warden.tools.policy.RiskClass.READ, config.defaults().read(),
                dev.warden.tools.policy.RiskClass.WRITE, config.defaults().write(),
                dev.warden.tools.policy.RiskClass.EXECUTE, config.defaults().execute(),
                dev.warden.tools.policy.RiskClass.NETWORK, config.defaults().network());
        Map<String, Decision> tools = new TreeMap<>();
        config.policy().forEach((tool, decision) -> tools.put(tool.toLowerCase(Locale.ROOT), decision));
        List<PolicyRule> rules = new ArrayList<>();
        for (ToolsConfig.Rule rule : config.rules().orElse(List.of())) {
            int patterns = (rule.command().isPresent() ? 1 : 0)
                    + (rule.path().isPresent() ? 1 : 0)
                    + (rule.host().isPresent() ? 1 : 0);
            if (patterns != 1) {
                throw new IllegalArgumentException(
                        "The tool rule for '" + rule.tool() + "' needs exactly one of command, path or host.");
            }
            rules.add(rule.command()
                    .map(c -> PolicyRule.command(rule.tool(), rule.decision(), c))
                    .or(() -> rule.path().map(p -> PolicyRule.path(rule.tool(), rule.decision(), p)))
                    .orElseGet(() -> PolicyRule.host(
                            rule.tool(), rule.decision(), rule.host().orElseThrow())));
        }
        return new ToolPolicy(defaults, tools, rules, config.complexCommands());
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "…";
    }
}
