package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the GitHub workflows promise, on the parsed workflow files. (They run only on GitHub; {@code .ci/run} lints
 * them with actionlint.)
 */
class WorkflowsTest {

    static final Path DIR = Path.of(".github/workflows");

    static JsonNode workflow(String name) {
        return Yaml.read(DIR.resolve(name));
    }

    /** YAML 1.1 reads the key {@code on} as a boolean. */
    static JsonNode triggers(JsonNode workflow) {
        return workflow.has("on") ? workflow.path("on") : workflow.path("true");
    }

    static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
        return steps;
    }

    static List<JsonNode> uses(JsonNode workflow, String action) {
        return steps(workflow).stream()
                .filter(step -> step.path("uses").asText().startsWith(action + "@"))
                .toList();
    }

    static String runs(JsonNode workflow) {
        return String.join(
                "\n", steps(workflow).stream().map(s -> s.path("run").asText()).toList());
    }

    @Test
    void buildsAndTestsEveryPushAndPullRequestOnJdk21And25() {
        JsonNode ci = workflow("ci.yml");
        assertThat(triggers(ci).has("push")).isTrue();
        assertThat(triggers(ci).has("pull_request")).isTrue();
        JsonNode build = ci.path("jobs").path("build");
        List<String> javas = new ArrayList<>();
        build.path("strategy").path("matrix").path("java").forEach(j -> javas.add(j.asText()));
        assertThat(javas).containsExactlyInAnyOrder("21", "25");
        assertThat(runs(ci)).contains("./mvnw -B -ntp verify");
    }

    @Test
    void cachesMavenAndTheUisNpmDownloads() {
        JsonNode ci = workflow("ci.yml");
        assertThat(uses(ci, "actions/setup-java"))
                .isNotEmpty()
                .allSatisfy(step ->
                        assertThat(step.path("with").path("cache").asText()).isEqualTo("maven"));
        assertThat(uses(ci, "actions/setup-node")).anySatisfy(step -> {
            assertThat(step.path("with").path("cache").asText()).isEqualTo("npm");
            assertThat(step.path("with").path("cache-dependency-path").asText()).isEqualTo("ui/package-lock.json");
            assertThat(step.path("with").path("node-version").asText())
                    .as("Vite 7 needs Node 20.19 or newer")
                    .isIn("20", "22", "24");
        });
        assertThat(runs(ci)).contains("npm ci --prefix ui");
    }

    @Test
    void uploadsTestReportsEvenWhenTestsFail() {
        for (String name : List.of("ci.yml", "native.yml")) {
            assertThat(uses(workflow(name), "actions/upload-artifact")).as(name).anySatisfy(step -> {
                assertThat(step.path("if").asText()).isEqualTo("always()");
                assertThat(step.path("with").path("path").asText())
                        .contains("target/surefire-reports/")
                        .contains("target/failsafe-reports/");
            });
        }
    }

    @Test
    void nativeBuildRunsTheTestsAgainstTheExecutable() {
        JsonNode nativeBuild = workflow("native.yml");
        assertThat(triggers(nativeBuild).has("push")).isTrue();
        assertThat(runs(nativeBuild))
                .containsPattern("\\./mvnw[^\\n]* verify -Dnative")
                .contains("-Dquarkus.native.container-build=true")
                .contains("mandrel-builder-image");
    }

    @Test
    void imagesAreBuiltSmokeTestedAndPushedOnTags() throws IOException {
        JsonNode images = workflow("images.yml");
        assertThat(triggers(images).path("push").path("tags").toString()).contains("v*");
        JsonNode job = images.path("jobs").path("image");
        List<String> flavors = new ArrayList<>();
        job.path("strategy").path("matrix").path("flavor").forEach(f -> flavors.add(f.asText()));
        assertThat(flavors).containsExactlyInAnyOrder("jvm", "native");
        assertThat(job.path("permissions").path("packages").asText()).isEqualTo("write");
        List<JsonNode> builds = uses(images, "docker/build-push-action");
        assertThat(builds)
                .allSatisfy(step -> assertThat(step.path("with").path("file").asText())
                        .isEqualTo("src/main/docker/Dockerfile.${{ matrix.flavor }}"));
        assertThat(builds)
                .filteredOn(step -> step.path("with").path("push").asBoolean())
                .singleElement()
                .satisfies(step -> assertThat(step.path("if").asText()).contains("refs/tags/v"));
        assertThat(runs(images)).contains("src/main/docker/smoke-test.sh");
        assertThat(Files.isExecutable(Path.of("src/main/docker/smoke-test.sh"))).isTrue();
        assertThat(runs(images)).contains("docker compose -f src/main/docker/docker-compose.yml up");
        assertThat(runs(images)).contains("docker-compose.sandbox.yml");
    }

    @Test
    void manifestsAreRendered() {
        assertThat(runs(workflow("ci.yml"))).contains("kubectl kustomize").contains("kubeconform");
        assertThat(runs(workflow("ci.yml"))).contains(".ci/check-deploy");
    }

    @Test
    void everyWorkflowHasLeastPrivilegeAndPinnedActions() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(f -> f.toString().endsWith(".yml")).toList();
        }
        assertThat(files).isNotEmpty();
        Pattern version = Pattern.compile("[^@]+@v\\d+(\\.\\d+)*");
        for (Path file : files) {
            JsonNode workflow = Yaml.read(file);
            assertThat(workflow.path("permissions").path("contents").asText())
                    .as(file + " top-level permissions")
                    .isEqualTo("read");
            for (JsonNode step : steps(workflow)) {
                if (step.has("uses")) {
                    assertThat(step.path("uses").asText())
                            .as(file + " action version")
                            .matches(version);
                }
            }
        }
    }

    @Test
    void filesTheWorkflowsRunExist() throws IOException {
        Pattern path = Pattern.compile("(?:\\.ci|src/main/docker|kubernetes)/[A-Za-z0-9_./-]*[A-Za-z0-9_]");
        try (Stream<Path> list = Files.list(DIR)) {
            for (Path file : list.toList()) {
                String text = Files.readString(file).replace("${{ matrix.flavor }}", "jvm");
                Matcher m = path.matcher(text);
                while (m.find()) {
                    if (!m.group().endsWith("/.env")) { // the compose job writes .env from .env.example
                        assertThat(Path.of(m.group()))
                                .as(file + " refers to " + m.group())
                                .exists();
                    }
                }
            }
        }
    }
}
