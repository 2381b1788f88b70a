package dev.warden.deploy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the deployment files hand Warden as environment variables, checked against what Warden reads: the names must
 * be real settings, and the values must be accepted by the {@code @ConfigMapping}s, exactly as SmallRye Config reads
 * them at start-up (an empty value, for instance, does not mean "use the default").
 */
final class WardenEnvironment {

    /**
     * Settings the deployment files already use and the service is still to read (issue 9, the lead's side: the
     * database and memory-store switches, graceful shutdown, the sandbox requirement). Once the service reads one,
     * {@link #unknownNames} stops accepting it here: remove it from this list then.
     */
    static final Set<String> PENDING = Set.of();

    /** Quarkus's own settings the deployment files may use. */
    static final Set<String> QUARKUS = Set.of(
            "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT",
            "QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL",
            "QUARKUS_OTEL_RESOURCE_ATTRIBUTES",
            "QUARKUS_OTEL_SERVICE_NAME",
            "QUARKUS_HTTP_PORT",
            "QUARKUS_LOG_LEVEL",
            "QUARKUS_LOG_CONSOLE_JSON");

    private WardenEnvironment() {}

    /** Every name Warden reads: the mappings' environment names and their fallback names. */
    static Set<String> known() {
        Set<String> names = new TreeSet<>(QUARKUS);
        for (ConfigReference.Property property : ConfigReference.properties()) {
            names.add(property.env());
            if (!property.alsoRead().isEmpty()) {
                names.addAll(Set.of(property.alsoRead().split(", ")));
            }
        }
        return names;
    }

    /**
     * The names in {@code env} that look like Warden or Quarkus settings but that nothing reads, plus pending names
     * the service now reads (so PENDING shrinks as the service catches up).
     */
    static Set<String> unknownNames(Set<String> env) {
        Set<String> known = known();
        Set<String> unknown = env.stream()
                .filter(name -> name.startsWith("WARDEN_") || name.startsWith("QUARKUS_"))
                .filter(name -> !known.contains(name) && !PENDING.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        PENDING.stream()
                .filter(known::contains)
                .map(name -> name + " (now read by the service: remove it from WardenEnvironment.PENDING)")
                .forEach(unknown::add);
        return unknown;
    }

    /** Starts Warden's configuration on {@code env} alone; throws what start-up would throw for a bad value. */
    static SmallRyeConfig load(Map<String, String> env) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDiscoveredInterceptors()
                // Quarkus's duration syntax ("120s"), as the application reads it.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(
                        io.quarkus.runtime.configuration.MemorySize.class,
                        200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withSources(new EnvConfigSource(env, 300));
        ConfigReference.mappings().forEach(builder::withMapping);
        return builder.build();
    }
}
