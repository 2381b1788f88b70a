package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.deploy.Dockerfile.Instruction;
import dev.warden.deploy.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images' promises, read off the Dockerfiles (no Docker engine here; the workflow builds and smoke-tests them):
 * non-root, port 8080, state in /data, read-only-root friendly, the tools run_shell needs, nothing but build output
 * and no secrets in the runtime image, a health check.
 */
class DockerfileTest {

    static final Path DOCKER = Path.of("src/main/docker");
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(KEY|TOKEN|PASSWORD|SECRET|CREDENTIAL).*");

    static Dockerfile read(String name) throws IOException {
        return Dockerfile.read(DOCKER.resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void runtimeRunsAsUnprivilegedWardenWithoutLoginShell(String name) throws IOException {
        Stage runtime = read(name).runtime();
        List<Instruction> users = runtime.all("USER");
        assertThat(users).as("USER in the runtime stage").isNotEmpty();
        assertThat(users.getLast().arguments()).as("the last USER").isIn("10001", "10001:10001", "warden");
        String setup = runs(runtime);
        assertThat(setup)
                .contains("useradd")
                .containsPattern("--uid 10001\\b")
                .contains("--shell /usr/sbin/nologin")
                .containsPattern("groupadd [^&]*--gid 10001\\b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void exposesPort8080AndChecksReadiness(String name) throws IOException {
        Stage runtime = read(name).runtime();
        assertThat(runtime.all("EXPOSE")).extracting(Instruction::arguments).containsExactly("8080");
        assertThat(runtime.all("HEALTHCHECK"))
                .singleElement()
                .extracting(Instruction::arguments)
                .asString()
                .contains("/q/health/ready")
                .contains("127.0.0.1/8080");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void stateLivesInDataOwnedByWarden(String name) throws IOException {
        Stage runtime = read(name).runtime();
        assertThat(runtime.all("ENV"))
                .extracting(Instruction::arguments)
                .anyMatch(env -> env.contains("WARDEN_DATA_DIR=/data"));
        assertThat(runtime.all("VOLUME")).extracting(Instruction::arguments).containsExactly("[\"/data\"]");
        assertThat(runtime.all("WORKDIR")).extracting(Instruction::arguments).containsExactly("/data");
        assertThat(runs(runtime)).contains("chown 10001:10001 /data");
        // Native libraries of the embedding model are unpacked under a writable path, not under $HOME or the root FS.
        assertThat(runtime.all("ENV"))
                .extracting(Instruction::arguments)
                .anyMatch(env -> env.contains("DJL_CACHE_DIR=/tmp/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void containsWhatRunShellNeeds(String name) throws IOException {
        String install = runs(read(name).runtime());
        assertThat(install).containsPattern("apt-get install [^&]*\\bbash\\b");
        assertThat(install).containsPattern("apt-get install [^&]*\\bcoreutils\\b");
        assertThat(install).containsPattern("apt-get install [^&]*\\bgit\\b");
        assertThat(install).containsPattern("apt-get install [^&]*\\bbubblewrap\\b");
        assertThat(install).containsPattern("apt-get install [^&]*\\btini\\b");
        assertThat(install).as("apt lists are not left in the image").contains("rm -rf /var/lib/apt/lists/*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void runtimeGetsOnlyTheBuildOutput(String name) throws IOException {
        Dockerfile dockerfile = read(name);
        Stage runtime = dockerfile.runtime();
        assertThat(runtime.all("ADD"))
                .as("ADD (URLs, archives) in the runtime stage")
                .isEmpty();
        List<Instruction> copies = runtime.all("COPY");
        assertThat(copies).isNotEmpty();
        String build = dockerfile.stage("build").name();
        for (Instruction copy : copies) {
            assertThat(copy.arguments())
                    .as("runtime COPY comes from the build stage, never from the build context")
                    .startsWith("--from=" + build + " ")
                    .matches("--from=build /build/(target/quarkus-app/\\S*|application) /deployments/\\S*");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void buildStageSeesOnlySources(String name) throws IOException {
        Stage build = read(name).stage("build");
        List<String> sources = new ArrayList<>();
        for (Instruction copy : build.all("COPY")) {
            if (copy.arguments().startsWith("--from=ui ")) {
                assertThat(copy.arguments())
                        .as("the web client's build output, as static resources")
                        .isEqualTo("--from=ui /ui/dist/ src/main/resources/META-INF/resources/");
                continue;
            }
            String[] words = copy.arguments().split("\\s+");
            for (int i = 0; i < words.length - 1; i++) {
                if (!words[i].startsWith("--")) {
                    sources.add(words[i]);
                }
            }
        }
        assertThat(sources)
                .isNotEmpty()
                .allSatisfy(source -> assertThat(source).isIn("mvnw", "pom.xml", ".mvn/", "src/main/"));
        assertThat(build.all("ADD")).isEmpty();
        assertThat(runs(build))
                .as("Quinoa needs Node.js, which the build image lacks")
                .contains("-Dquarkus.quinoa.enabled=false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void uiStageSeesOnlyTheWebClientSources(String name) throws IOException {
        Stage ui = read(name).stage("ui");
        assertThat(ui.all("COPY").stream().map(Instruction::arguments))
                .containsExactly("ui/package.json ui/package-lock.json ./", "ui/ ./");
        assertThat(runs(ui)).contains("npm ci").contains("npm run build");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void noSecretIsBakedIn(String name) throws IOException {
        Dockerfile dockerfile = read(name);
        List<Instruction> all = new ArrayList<>(dockerfile.preamble());
        dockerfile.stages().forEach(stage -> all.addAll(stage.instructions()));
        for (Instruction instruction : all) {
            if (instruction.is("ENV") || instruction.is("ARG") || instruction.is("LABEL")) {
                for (String assignment : instruction.arguments().split("\\s+")) {
                    String variable = assignment.split("=", 2)[0];
                    assertThat(variable)
                            .as(instruction.keyword() + " " + assignment)
                            .doesNotMatch(SECRET_NAME);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void entrypointIsExecFormUnderTini(String name) throws IOException {
        List<Instruction> entrypoints = read(name).runtime().all("ENTRYPOINT");
        assertThat(entrypoints).hasSize(1);
        // Exec form (JSON): no shell in between, so SIGTERM reaches tini, which passes it to Warden.
        JsonNode argv = new ObjectMapper().readTree(entrypoints.getFirst().arguments());
        assertThat(argv.isArray()).isTrue();
        assertThat(argv.get(0).asText()).isEqualTo("/usr/bin/tini");
        assertThat(argv.get(1).asText()).isEqualTo("--");
    }

    @Test
    void nativeImageIsBuiltWithMandrel() throws IOException {
        Dockerfile dockerfile = read("Dockerfile.native");
        Stage build = dockerfile.stage("build");
        assertThat(dockerfile.image(build)).startsWith("quay.io/quarkus/").contains("mandrel-builder-image");
        assertThat(runs(build)).contains("-Dnative");
    }

    @Test
    void jvmImageRunsTheFastJar() throws IOException {
        Dockerfile dockerfile = read("Dockerfile.jvm");
        assertThat(dockerfile.image(dockerfile.runtime())).matches("eclipse-temurin:21-jre.*");
        assertThat(dockerfile.runtime().all("ENTRYPOINT").getFirst().arguments())
                .contains("\"-jar\", \"/deployments/quarkus-run.jar\"");
    }

    @Test
    void buildContextHoldsSourcesOnly() throws IOException {
        DockerignoreRules ignore = DockerignoreRules.read(Path.of(".dockerignore"));
        assertThat(List.of(
                        "pom.xml",
                        "mvnw",
                        ".mvn/wrapper/maven-wrapper.properties",
                        "src/main/java/dev/warden/config/WardenConfig.java",
                        "src/main/resources/application.properties",
                        "ui/package.json",
                        "ui/package-lock.json",
                        "ui/src/main.tsx"))
                .allMatch(ignore::sends, "sent to the builder");
        assertThat(List.of(
                        ".env",
                        "src/main/docker/.env",
                        "src/main/resources/.env",
                        "src/main/resources/tls/server.key",
                        "src/main/systemd/warden.env",
                        ".git/config",
                        "target/quarkus-app/quarkus-run.jar",
                        "data/db/warden.mv.db",
                        "node_modules/left-pad/index.js",
                        "ui/node_modules/vite/package.json",
                        "ui/dist/index.html",
                        "src/test/java/dev/warden/deploy/DockerfileTest.java",
                        "kubernetes/base/deployment.yaml",
                        "src/main/docker/Dockerfile.jvm"))
                .noneMatch(ignore::sends);
    }

    static String runs(Stage stage) {
        return String.join(
                "\n", stage.all("RUN").stream().map(Instruction::arguments).toList());
    }
}
