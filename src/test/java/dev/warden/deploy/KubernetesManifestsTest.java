package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders both overlays with {@code kubectl kustomize} and asserts every promise of the issue on the rendered
 * objects, so that an edit to the base, an overlay or a patch cannot quietly drop one.
 */
class KubernetesManifestsTest {

    static final Path ROOT = Path.of("kubernetes");
    static final Map<String, Kustomize> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void render() throws Exception {
        RENDERED.put("dev", Kustomize.render(ROOT.resolve("overlays/dev")));
        RENDERED.put("prod", Kustomize.render(ROOT.resolve("overlays/prod")));
    }

    static Kustomize overlay(String name) {
        return RENDERED.get(name);
    }

    static JsonNode pod(String overlay) {
        return overlay(overlay).one("Deployment").path("spec").path("template").path("spec");
    }

    static JsonNode container(String overlay) {
        JsonNode containers = pod(overlay).path("containers");
        assertThat(containers.size()).as("containers").isEqualTo(1);
        return containers.get(0);
    }

    static Map<String, String> config(String overlay) {
        String name = container(overlay)
                .path("envFrom")
                .findValue("configMapRef")
                .path("name")
                .asText();
        JsonNode configMap = overlay(overlay).all("ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("ConfigMap " + name + " is not rendered"));
        Map<String, String> data = new LinkedHashMap<>();
        configMap
                .path("data")
                .fields()
                .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podRunsAsNonRootWithRuntimeDefaultSeccomp(String overlay) {
        JsonNode security = pod(overlay).path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean())
                .as("pod runAsNonRoot")
                .isTrue();
        assertThat(security.path("runAsUser").asInt()).as("pod runAsUser").isEqualTo(10001);
        assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod(overlay).path("hostNetwork").asBoolean()).isFalse();
        assertThat(pod(overlay).path("hostPID").asBoolean()).isFalse();
        assertThat(pod(overlay).path("hostIPC").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void containerIsLockedDown(String overlay) {
        JsonNode security = container(overlay).path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).as("runAsNonRoot").isTrue();
        assertThat(security.path("runAsUser").asInt()).as("runAsUser").isEqualTo(10001);
        assertThat(security.path("readOnlyRootFilesystem").asBoolean())
                .as("readOnlyRootFilesystem")
                .isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
                .as("allowPrivilegeEscalation")
                .isFalse();
        assertThat(security.path("privileged").asBoolean()).as("privileged").isFalse();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(security.path("capabilities").has("add"))
                .as("capabilities.add")
                .isFalse();
        assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(security.has("procMount")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noServiceAccountToken(String overlay) {
        assertThat(pod(overlay).path("automountServiceAccountToken").asBoolean(true))
                .isFalse();
        String account = pod(overlay).path("serviceAccountName").asText();
        JsonNode serviceAccount = overlay(overlay).one("ServiceAccount");
        assertThat(serviceAccount.path("metadata").path("name").asText()).isEqualTo(account);
        assertThat(serviceAccount.path("automountServiceAccountToken").asBoolean(true))
                .isFalse();
        assertThat(overlay(overlay).all("Role")).isEmpty();
        assertThat(overlay(overlay).all("RoleBinding")).isEmpty();
        assertThat(overlay(overlay).all("ClusterRoleBinding")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyDataAndTmpAreWritable(String overlay) {
        List<String> mounts = new ArrayList<>();
        container(overlay).path("volumeMounts").forEach(mount -> {
            if (!mount.path("readOnly").asBoolean()) {
                mounts.add(mount.path("mountPath").asText());
            }
        });
        assertThat(mounts).containsExactlyInAnyOrder("/data", "/tmp");
        pod(overlay)
                .path("volumes")
                .forEach(volume -> assertThat(volume.has("hostPath"))
                        .as("hostPath volume " + volume.path("name").asText())
                        .isFalse());
        assertThat(config(overlay)).containsEntry("WARDEN_DATA_DIR", "/data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void requestsAndLimitsAreSet(String overlay) {
        JsonNode resources = container(overlay).path("resources");
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertThat(resources.path(kind).path(resource).asText())
                        .as(kind + "." + resource)
                        .isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesUseTheHealthEndpoints(String overlay) {
        JsonNode container = container(overlay);
        assertThat(container.path("ports").toString())
                .contains("\"name\":\"http\"")
                .contains("8080");
        Map<String, String> probes = Map.of(
                "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready",
                "startupProbe", "/q/health/started");
        probes.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
            assertThat(get.path("port").asText()).as(probe + " port").isIn("http", "8080");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void runningTurnsGetTimeToFinish(String overlay) {
        JsonNode preStop = container(overlay).path("lifecycle").path("preStop");
        List<String> command = new ArrayList<>();
        preStop.path("exec").path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).as("preStop").hasSize(2).first().isEqualTo("sleep");
        long preStopSeconds = Long.parseLong(command.get(1));
        assertThat(preStopSeconds)
                .as("preStop gives the ingress time to stop routing")
                .isGreaterThanOrEqualTo(5);
        Duration grace = ComposeStackTest.duration(config(overlay).get("WARDEN_SHUTDOWN_GRACE_PERIOD"));
        long termination = pod(overlay).path("terminationGracePeriodSeconds").asLong();
        assertThat(termination)
                .as("terminationGracePeriodSeconds >= preStop + shutdown grace period + 10 s to close")
                .isGreaterThanOrEqualTo(preStopSeconds + grace.toSeconds() + 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void secretsAreReferencedNeverRendered(String overlay) {
        assertThat(overlay(overlay).all("Secret"))
                .as("Secrets in the manifests")
                .isEmpty();
        assertThat(container(overlay)
                        .path("envFrom")
                        .findValue("secretRef")
                        .path("name")
                        .asText())
                .isEqualTo("warden-secrets");
        JsonNode template = Yaml.read(ROOT.resolve("base/secret.example.yaml"));
        assertThat(template.path("metadata").path("name").asText()).isEqualTo("warden-secrets");
        template.path("stringData")
                .fields()
                .forEachRemaining(e -> assertThat(e.getValue().asText())
                        .as("value of " + e.getKey() + " in the template")
                        .isEmpty());
        assertThat(template.path("data").isMissingNode()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void configHoldsOnlySettingsWardenReadsWithValuesItAccepts(String overlay) {
        Map<String, String> env = new LinkedHashMap<>(config(overlay));
        assertThat(WardenEnvironment.unknownNames(env.keySet())).isEmpty();
        Set<String> secretKeys = new HashSet<>();
        Yaml.read(ROOT.resolve("base/secret.example.yaml"))
                .path("stringData")
                .fieldNames()
                .forEachRemaining(secretKeys::add);
        assertThat(WardenEnvironment.unknownNames(secretKeys)).as("secret keys").isEmpty();
        assertThat(env.keySet()).as("secrets stay out of the ConfigMap").doesNotContainAnyElementsOf(secretKeys);
        WardenEnvironment.load(env);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void ingressSuitsLongLivedWebSockets(String overlay) {
        JsonNode ingress = overlay(overlay).one("Ingress");
        JsonNode annotations = ingress.path("metadata").path("annotations");
        assertThat(annotations
                        .path("nginx.ingress.kubernetes.io/proxy-read-timeout")
                        .asInt())
                .isGreaterThanOrEqualTo(3600);
        assertThat(annotations
                        .path("nginx.ingress.kubernetes.io/proxy-send-timeout")
                        .asInt())
                .isGreaterThanOrEqualTo(3600);
        assertThat(annotations.path("nginx.ingress.kubernetes.io/affinity").asText())
                .isEqualTo("cookie");
        assertThat(annotations
                        .path("nginx.ingress.kubernetes.io/session-cookie-name")
                        .asText())
                .isNotBlank();
        assertThat(ingress.path("spec").path("tls").isEmpty()).as("TLS").isFalse();
        JsonNode backend = ingress.path("spec")
                .path("rules")
                .get(0)
                .path("http")
                .path("paths")
                .get(0)
                .path("backend")
                .path("service");
        JsonNode service = overlay(overlay).one("Service");
        assertThat(backend.path("name").asText())
                .isEqualTo(service.path("metadata").path("name").asText());
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo("http");
        assertThat(selects(service.path("spec").path("selector"), overlay))
                .as("Service selects the pods")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPolicyAdmitsOnlyTheIngressController(String overlay) {
        JsonNode policy = overlay(overlay).one("NetworkPolicy").path("spec");
        assertThat(selects(policy.path("podSelector").path("matchLabels"), overlay))
                .isTrue();
        assertThat(policy.path("policyTypes").toString()).contains("Ingress").contains("Egress");
        JsonNode ingress = policy.path("ingress");
        assertThat(ingress.size()).isEqualTo(1);
        JsonNode from = ingress.get(0).path("from");
        assertThat(from.size()).as("one peer: the ingress controller").isEqualTo(1);
        assertThat(from.get(0)
                        .path("namespaceSelector")
                        .path("matchLabels")
                        .path("kubernetes.io/metadata.name")
                        .asText())
                .isEqualTo("ingress-nginx");
        assertThat(from.get(0).path("podSelector").path("matchLabels").toString())
                .as("the controller's pods, untouched by Warden's own labels")
                .isEqualTo("{\"app.kubernetes.io/name\":\"ingress-nginx\"}");
        assertThat(ingress.get(0).path("ports").toString()).isEqualTo("[{\"port\":8080,\"protocol\":\"TCP\"}]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPolicyLetsOutOnlyWhatWardenTalksTo(String overlay) {
        JsonNode egress = overlay(overlay).one("NetworkPolicy").path("spec").path("egress");
        Map<Integer, String> allowed = Map.of(
                53, "dns", 443, "model provider", 5432, "postgresql", 8000, "chroma", 4317, "otlp", 4318, "otlp");
        Set<Integer> seen = new HashSet<>();
        for (JsonNode rule : egress) {
            assertThat(rule.path("to").isEmpty())
                    .as("an egress rule without 'to' allows every destination")
                    .isFalse();
            assertThat(rule.path("ports").isEmpty())
                    .as("an egress rule without ports allows every port")
                    .isFalse();
            for (JsonNode port : rule.path("ports")) {
                assertThat(allowed).containsKey(port.path("port").asInt());
                seen.add(port.path("port").asInt());
                if (port.path("port").asInt() != 443) {
                    rule.path("to")
                            .forEach(peer -> assertThat(peer.has("ipBlock"))
                                    .as("port " + port.path("port") + " only to selected pods")
                                    .isFalse());
                }
            }
            for (JsonNode peer : rule.path("to")) {
                if (peer.has("ipBlock")) {
                    String except = peer.path("ipBlock").path("except").toString();
                    if (peer.path("ipBlock").path("cidr").asText().equals("0.0.0.0/0")) {
                        assertThat(except)
                                .as("the internet, not the cluster or the cloud metadata address")
                                .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
                    } else {
                        assertThat(except).contains("fc00::/7", "fe80::/10");
                    }
                }
                if (peer.has("podSelector")) {
                    assertThat(peer.path("podSelector").path("matchLabels").toString())
                            .as("egress peers keep their own labels")
                            .doesNotContain("part-of");
                }
            }
        }
        assertThat(seen).containsAll(allowed.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void disruptionBudgetAndNamespaceGuardThePods(String overlay) {
        JsonNode budget = overlay(overlay).one("PodDisruptionBudget").path("spec");
        assertThat(selects(budget.path("selector").path("matchLabels"), overlay))
                .isTrue();
        assertThat(budget.path("maxUnavailable").asInt()).isEqualTo(1);
        JsonNode namespace = overlay(overlay).one("Namespace");
        assertThat(namespace
                        .path("metadata")
                        .path("labels")
                        .path("pod-security.kubernetes.io/enforce")
                        .asText())
                .isEqualTo("restricted");
        String name = namespace.path("metadata").path("name").asText();
        overlay(overlay).objects().stream()
                .filter(o -> !o.path("kind").asText().equals("Namespace"))
                .forEach(o -> assertThat(o.path("metadata").path("namespace").asText())
                        .as(o.path("kind").asText() + " namespace")
                        .isEqualTo(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imageIsPinned(String overlay) {
        assertThat(container(overlay).path("image").asText())
                .matches("[^:]+:[^:]+")
                .doesNotEndWith(":latest");
    }

    @Test
    void devIsOneReplicaWithEmbeddedStoresOnAVolumeClaim() {
        JsonNode deployment = overlay("dev").one("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(deployment.path("spec").path("strategy").path("type").asText())
                .as("never two pods on one H2 file")
                .isEqualTo("Recreate");
        assertThat(overlay("dev").all("HorizontalPodAutoscaler")).isEmpty();
        JsonNode data = volume("dev", "data");
        String claim = data.path("persistentVolumeClaim").path("claimName").asText();
        assertThat(data.has("emptyDir")).isFalse();
        assertThat(overlay("dev")
                        .one("PersistentVolumeClaim")
                        .path("metadata")
                        .path("name")
                        .asText())
                .isEqualTo(claim);
        assertThat(config("dev"))
                .containsEntry("WARDEN_DATABASE", "h2")
                .containsEntry("WARDEN_MEMORY_STORE", "embedded");
    }

    @Test
    void prodIsReplicatedOnSharedStoresWithTraces() {
        JsonNode deployment = overlay("prod").one("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(deployment
                        .path("spec")
                        .path("strategy")
                        .path("rollingUpdate")
                        .path("maxUnavailable")
                        .asInt())
                .isZero();
        JsonNode autoscaler = overlay("prod").one("HorizontalPodAutoscaler").path("spec");
        assertThat(autoscaler.path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.path("maxReplicas").asInt())
                .isGreaterThan(autoscaler.path("minReplicas").asInt());
        assertThat(autoscaler.path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(pod("prod").path("topologySpreadConstraints").isEmpty()).isFalse();
        assertThat(config("prod"))
                .containsEntry("WARDEN_DATABASE", "postgresql")
                .containsEntry("WARDEN_MEMORY_STORE", "chroma")
                .containsKeys(
                        "WARDEN_DATABASE_URL",
                        "WARDEN_DATABASE_USERNAME",
                        "WARDEN_MEMORY_CHROMA_URL",
                        "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThat(config("prod").get("WARDEN_DATABASE_URL")).startsWith("jdbc:postgresql://");
        assertThat(overlay("prod").all("PersistentVolumeClaim")).isEmpty();
    }

    @Test
    void gvisorComponentSetsTheRuntimeClass() throws Exception {
        Path dir = Path.of("target/kustomize-gvisor");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../kubernetes/overlays/prod
                components:
                  - ../../kubernetes/components/sandbox-gvisor
                """);
        Kustomize rendered = Kustomize.render(dir);
        JsonNode pod = rendered.one("Deployment").path("spec").path("template").path("spec");
        assertThat(pod.path("runtimeClassName").asText()).isEqualTo("gvisor");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod("prod").has("runtimeClassName"))
                .as("opt-in, not the default")
                .isFalse();
    }

    static JsonNode volume(String overlay, String name) {
        for (JsonNode volume : pod(overlay).path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    /** Whether the label selector matches the Deployment's pod template labels. */
    static boolean selects(JsonNode matchLabels, String overlay) {
        JsonNode labels = overlay(overlay)
                .one("Deployment")
                .path("spec")
                .path("template")
                .path("metadata")
                .path("labels");
        if (matchLabels.isEmpty()) {
            return false;
        }
        var fields = matchLabels.fields();
        while (fields.hasNext()) {
            var label = fields.next();
            if (!labels.path(label.getKey()).asText().equals(label.getValue().asText())) {
                return false;
            }
        }
        return true;
    }
}
