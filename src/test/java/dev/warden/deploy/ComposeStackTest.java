package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose stack's promises, on the parsed file (no Docker engine here; {@code .ci/run} also runs
 * {@code docker-compose config}, and the images workflow starts the stack for real).
 */
class ComposeStackTest {

    static final Path DIR = Path.of("src/main/docker");
    static final Path COMPOSE = DIR.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = DIR.resolve(".env.example");
    static final Pattern SECRET = Pattern.compile(".*(KEY|TOKEN|PASSWORD|SECRET).*");

    /** .env.example with the required secrets filled in, as an operator's .env would be. */
    static Map<String, String> operatorEnv() {
        Map<String, String> env = new HashMap<>(Yaml.dotenv(ENV_EXAMPLE));
        env.put("WARDEN_AUTH_BOOTSTRAP_TOKEN", "an-operator-token");
        env.put("POSTGRES_PASSWORD", "an-operator-password");
        return env;
    }

    static JsonNode compose() throws IOException {
        return Yaml.MAPPER.readTree(Yaml.substitute(Files.readString(COMPOSE), operatorEnv()));
    }

    static JsonNode service(String name) throws IOException {
        JsonNode service = compose().path("services").path(name);
        assertThat(service.isObject()).as("service " + name).isTrue();
        return service;
    }

    @Test
    void theWholeStackIsThere() throws IOException {
        List<String> services = new ArrayList<>();
        compose().path("services").fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactlyInAnyOrder("warden", "postgres", "chroma", "otel-collector", "jaeger");
    }

    @Test
    void wardenStartsOnlyOnceItsStoresAreHealthy() throws IOException {
        JsonNode dependsOn = service("warden").path("depends_on");
        assertThat(dependsOn.path("postgres").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(dependsOn.path("chroma").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(dependsOn.path("otel-collector").path("condition").asText()).isEqualTo("service_started");
        assertThat(service("otel-collector")
                        .path("depends_on")
                        .path("jaeger")
                        .path("condition")
                        .asText())
                .isEqualTo("service_started");
        for (String name : List.of("warden", "postgres", "chroma")) {
            JsonNode test = service(name).path("healthcheck").path("test");
            assertThat(test.isArray() && test.size() > 1)
                    .as(name + " health check")
                    .isTrue();
        }
        assertThat(service("warden").path("healthcheck").path("test").toString())
                .contains("/q/health/ready");
        assertThat(service("chroma").path("healthcheck").path("test").toString())
                .contains("/api/v2/heartbeat");
        assertThat(service("postgres").path("healthcheck").path("test").toString())
                .contains("pg_isready");
    }

    @Test
    void stateLivesInNamedVolumes() throws IOException {
        JsonNode compose = compose();
        Map<String, String> expected = Map.of(
                "warden", "warden-data:/data",
                "postgres", "postgres-data:/var/lib/postgresql/data",
                "chroma", "chroma-data:/data");
        expected.forEach((service, volume) -> {
            assertThat(compose.path("services").path(service).path("volumes").toString())
                    .as(service + " volume")
                    .contains(volume);
            assertThat(compose.path("volumes").has(volume.substring(0, volume.indexOf(':'))))
                    .isTrue();
        });
    }

    @Test
    void wardenRunsHardenedAsInKubernetes() throws IOException {
        JsonNode warden = service("warden");
        assertThat(warden.path("read_only").asBoolean()).as("read_only").isTrue();
        assertThat(warden.path("user").asText()).isEqualTo("10001:10001");
        assertThat(warden.path("cap_drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(warden.path("security_opt").toString()).contains("no-new-privileges:true");
        assertThat(warden.path("tmpfs").toString())
                .as("/tmp is writable and allows exec (native libraries are unpacked there)")
                .contains("/tmp:exec");
        assertThat(warden.path("environment").path("WARDEN_DATA_DIR").asText()).isEqualTo("/data");
    }

    @Test
    void stopGracePeriodCoversTheShutdownGracePeriod() throws IOException {
        JsonNode warden = service("warden");
        Duration grace = duration(
                warden.path("environment").path("WARDEN_SHUTDOWN_GRACE_PERIOD").asText());
        Duration stop = duration(warden.path("stop_grace_period").asText());
        assertThat(stop)
                .as("stop_grace_period > grace period + time to close")
                .isGreaterThanOrEqualTo(grace.plusSeconds(10));
    }

    @Test
    void portsArePublishedOnLoopbackOnly() throws IOException {
        compose()
                .path("services")
                .forEach(service -> service.path("ports")
                        .forEach(port -> assertThat(port.asText()).startsWith("127.0.0.1:")));
    }

    @Test
    void imagesArePinned() throws IOException {
        compose().path("services").fields().forEachRemaining(entry -> {
            String image = entry.getValue().path("image").asText();
            assertThat(image).as(entry.getKey() + " image").contains(":").doesNotEndWith(":latest");
        });
    }

    @Test
    void secretsComeFromTheEnvFileOnly() throws IOException {
        String raw = Files.readString(COMPOSE);
        JsonNode rawCompose = Yaml.MAPPER.readTree(raw);
        rawCompose
                .path("services")
                .fields()
                .forEachRemaining(service -> service.getValue()
                        .path("environment")
                        .fields()
                        .forEachRemaining(variable -> {
                            if (SECRET.matcher(variable.getKey()).matches()) {
                                assertThat(variable.getValue().asText())
                                        .as(service.getKey() + " " + variable.getKey()
                                                + " is substituted, not written here")
                                        .startsWith("${")
                                        .endsWith("}");
                            }
                        }));
        assertThat(Yaml.variables(raw))
                .as("the secrets Warden cannot do without are required")
                .containsEntry("WARDEN_AUTH_BOOTSTRAP_TOKEN", ":?")
                .containsEntry("POSTGRES_PASSWORD", ":?");
        assertThat(rawCompose
                        .path("services")
                        .path("warden")
                        .path("environment")
                        .path("WARDEN_DATABASE_PASSWORD")
                        .asText())
                .isEqualTo(rawCompose
                        .path("services")
                        .path("postgres")
                        .path("environment")
                        .path("POSTGRES_PASSWORD")
                        .asText());
    }

    @Test
    void missingSecretsStopTheStackBeforeItStarts() throws IOException {
        String raw = Files.readString(COMPOSE);
        assertThatThrownBy(() -> Yaml.substitute(raw, Yaml.dotenv(ENV_EXAMPLE)))
                .hasMessageContaining("WARDEN_AUTH_BOOTSTRAP_TOKEN");
    }

    @Test
    void envExampleDeclaresEveryVariableAndHoldsNoSecret() throws IOException {
        Map<String, String> example = Yaml.dotenv(ENV_EXAMPLE);
        assertThat(example.keySet())
                .as("every ${VAR} of docker-compose.yml is explained in .env.example")
                .containsAll(Yaml.variables(Files.readString(COMPOSE)).keySet());
        example.forEach((name, value) -> {
            if (SECRET.matcher(name).matches()) {
                assertThat(value).as(name + " in .env.example").isEmpty();
            }
        });
    }

    @Test
    void theEnvFileIsNeverCommitted() throws IOException {
        assertThat(Files.readAllLines(Path.of(".gitignore")))
                .as(".gitignore ignores .env in every folder")
                .contains(".env");
    }

    @Test
    void wardenGetsOnlySettingsItReadsWithValuesItAccepts() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        service("warden")
                .path("environment")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        assertThat(WardenEnvironment.unknownNames(env.keySet())).isEmpty();
        WardenEnvironment.load(env);
        // The example's empty model settings leave the defaults in place rather than blank them.
        assertThat(env.get("QUARKUS_LANGCHAIN4J_OPENAI_BASE_URL")).isEqualTo("https://api.openai.com/v1/");
    }

    @Test
    void wardenTalksToTheStackServices() throws IOException {
        JsonNode env = service("warden").path("environment");
        assertThat(env.path("WARDEN_DATABASE").asText()).isEqualTo("postgresql");
        assertThat(env.path("WARDEN_DATABASE_URL").asText()).isEqualTo("jdbc:postgresql://postgres:5432/warden");
        assertThat(env.path("WARDEN_MEMORY_STORE").asText()).isEqualTo("chroma");
        assertThat(env.path("WARDEN_MEMORY_CHROMA_URL").asText()).isEqualTo("http://chroma:8000");
        assertThat(env.path("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://otel-collector:4317");
    }

    @Test
    void collectorReceivesOtlpAndExportsToJaeger() throws IOException {
        assertThat(service("otel-collector").path("volumes").toString())
                .contains("./otel-collector.yaml:/etc/otelcol/config.yaml:ro");
        JsonNode collector = Yaml.read(DIR.resolve("otel-collector.yaml"));
        assertThat(collector
                        .path("receivers")
                        .path("otlp")
                        .path("protocols")
                        .path("grpc")
                        .path("endpoint")
                        .asText())
                .endsWith(":4317");
        JsonNode traces = collector.path("service").path("pipelines").path("traces");
        assertThat(traces.path("receivers").toString()).contains("otlp");
        List<String> exporters = new ArrayList<>();
        traces.path("exporters").forEach(e -> exporters.add(e.asText()));
        assertThat(exporters).isNotEmpty();
        exporters.forEach(name -> assertThat(collector.path("exporters").has(name))
                .as("exporter " + name)
                .isTrue());
        assertThat(collector.path("exporters").toString()).contains("jaeger:4317");
    }

    @Test
    void sandboxOverrideLiftsOnlyWhatBubblewrapNeeds() {
        JsonNode override = Yaml.read(DIR.resolve("docker-compose.sandbox.yml"));
        List<String> services = new ArrayList<>();
        override.path("services").fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactly("warden");
        JsonNode warden = override.path("services").path("warden");
        List<String> keys = new ArrayList<>();
        warden.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .as("no capabilities, no privileged mode, no other change")
                .containsExactly("security_opt");
        List<String> options = new ArrayList<>();
        warden.path("security_opt").forEach(o -> options.add(o.asText()));
        assertThat(options)
                .containsExactlyInAnyOrder(
                        "no-new-privileges:true",
                        "seccomp=unconfined",
                        "apparmor=unconfined",
                        "systempaths=unconfined");
    }

    /** Compose durations ({@code 75s}, {@code 1m30s}) and Quarkus ones ({@code 60s}). */
    static Duration duration(String text) {
        return Duration.parse("PT" + text.toUpperCase().replace("MS", "").replaceAll("([0-9])M([0-9])", "$1M$2"));
    }
}
