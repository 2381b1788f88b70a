package dev.warden.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The harmless built-in tool: what time it is, anywhere. */
@ApplicationScoped
@RegisterForReflection
public class CurrentTimeTool implements AgentTool {

    private final Clock clock;

    @jakarta.inject.Inject
    CurrentTimeTool() {
        this(Clock.systemUTC());
    }

    CurrentTimeTool(Clock clock) {
        this.clock = clock;
    }

    @Tool(name = "current_time", value = "Returns the current date and time (ISO-8601) in a time zone.")
    public String currentTime(
            @P(value = "IANA time zone such as Europe/Paris or America/New_York; UTC when omitted", required = false)
                    String timeZone) {
        ZoneId zone;
        try {
            zone = timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "Unknown time zone '" + timeZone + "'; use an IANA name like Europe/Paris");
        }
        return ZonedDateTime.now(clock.withZone(zone)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " (" + zone
                + ")";
    }
}
