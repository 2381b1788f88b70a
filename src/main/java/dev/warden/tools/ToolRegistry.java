package dev.warden.tools;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import io.quarkus.arc.ClientProxy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every tool the agent can call: the {@code @Tool} methods of the {@link AgentTool} beans, by name. */
@ApplicationScoped
public class ToolRegistry {

    /** By name: the order the model sees them in is the same in every process (replays compare requests). */
    private final Map<String, RegisteredTool> tools = new java.util.TreeMap<>();

    ToolRegistry(Instance<AgentTool> beans) {
        for (AgentTool bean : beans) {
            Object target = ClientProxy.unwrap(bean);
            for (Method method : target.getClass().getMethods()) {
                if (method.isAnnotationPresent(Tool.class)) {
                    ToolSpecification specification = ToolSpecifications.toolSpecificationFrom(method);
                    RegisteredTool previous = tools.put(
                            specification.name(),
                            new RegisteredTool(specification, new DefaultToolExecutor(target, method)));
                    if (previous != null) {
                        throw new IllegalStateException("Two tools are named " + specification.name());
                    }
                }
            }
        }
    }

    public List<ToolSpecification> specifications() {
        List<ToolSpecification> specifications = new ArrayList<>();
        tools.values().forEach(tool -> specifications.add(tool.specification()));
        return specifications;
    }

    public Optional<RegisteredTool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public record RegisteredTool(ToolSpecification specification, ToolExecutor executor) {}
}
