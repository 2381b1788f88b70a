package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.warden.deploy.ConfigReference.Property;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in docs/operations.md is generated from the {@code @ConfigMapping} interfaces and
 * cannot go stale: a property added, renamed, re-defaulted or re-documented without regenerating the table fails
 * here. Regenerate with {@code ./mvnw test -Dtest=ConfigReferenceTest -Dwarden.docs.update=true}.
 */
class ConfigReferenceTest {

    static final Path DOC = Path.of("docs/operations.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: warden configuration (ConfigReferenceTest) -->";
    static final String END = "<!-- END GENERATED: warden configuration -->";

    @Test
    void operationsGuideListsEveryPropertyAsTheCodeDefinesIt() throws IOException {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("the generated-section markers in " + DOC).isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = "\n" + ConfigReference.table();
        String actual = doc.substring(begin + BEGIN.length(), end);
        if (actual.equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("warden.docs.update")) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + expected + doc.substring(end));
            return;
        }
        fail(
                "The configuration reference in %s is stale. Regenerate it with%n"
                        + "  ./mvnw test -Dtest=ConfigReferenceTest -Dwarden.docs.update=true%n"
                        + "Expected:%n%s",
                DOC, expected);
    }

    @Test
    void everyPropertyHasADescription() {
        List<Property> properties = ConfigReference.properties();
        assertThat(properties).hasSizeGreaterThan(10);
        assertThat(properties)
                .as("properties without Javadoc (STYLE.md: every setting documented on its mapping method)")
                .filteredOn(p -> p.description().isBlank())
                .extracting(Property::name)
                .isEmpty();
    }

    @Test
    void findsNestedGroupsDefaultsAndFallbackNames() {
        Map<String, Property> byName = ConfigReference.properties().stream()
                .collect(java.util.stream.Collectors.toMap(Property::name, p -> p));
        assertThat(byName.get("warden.data-dir").env()).isEqualTo("WARDEN_DATA_DIR");
        assertThat(byName.get("warden.data-dir").defaultValue()).isEqualTo("./data");
        assertThat(byName.get("warden.model.ollama.base-url").description()).contains("Ollama");
        assertThat(byName.get("warden.limits.max-input-bytes").type()).isEqualTo("int");
        assertThat(byName.get("warden.auth.bootstrap-token").type()).isEqualTo("String, optional");
        assertThat(byName.get("warden.model.openai.api-key").alsoRead())
                .isEqualTo("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY");
        assertThat(byName.get("warden.model.gemini.chat-model.model-id").alsoRead())
                .isEqualTo("QUARKUS_LANGCHAIN4J_AI_GEMINI_CHAT_MODEL_MODEL_ID");
    }

    @Test
    void environmentNamesAreTheOnesSmallRyeReads() {
        for (Property property : ConfigReference.properties()) {
            if (property.name().contains("*")) {
                continue;
            }
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withSources(new EnvConfigSource(Map.of(property.env(), "from-env"), 300))
                    .build();
            assertThat(config.getConfigValue(property.name()).getValue())
                    .as(property.env() + " sets " + property.name())
                    .isEqualTo("from-env");
        }
    }
}
