package dev.warden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import dev.warden.embedding.TextEmbedder;
import io.quarkus.util.GlobUtil;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two native-image fixes for the in-process embedding model (DESIGN.md, Stack) are in place and aimed at what the
 * real jars contain: a native build cannot run on these machines, so a typo here would only show in the workflow.
 */
class NativeImageConfigTest {

    static final String SUBSTITUTION = "dev.warden.embedding.nativeimage.Target_ai_djl_util_cuda_CudaUtils";
    static final String EXCLUDES = "quarkus.native.resources.excludes";
    static final String INCLUDES = "quarkus.native.resources.includes";

    @Test
    void cudaProbeIsSubstitutedWithNoGpu() throws Exception {
        Class<?> substitution = Class.forName(SUBSTITUTION);
        TargetClass target = substitution.getAnnotation(TargetClass.class);
        assertThat(target).as("@TargetClass on " + SUBSTITUTION).isNotNull();
        assertThat(target.className()).isEqualTo("ai.djl.util.cuda.CudaUtils");

        Method hasCuda = substitution.getDeclaredMethod("hasCuda");
        Method gpuCount = substitution.getDeclaredMethod("getGpuCount");
        hasCuda.setAccessible(true); // the class is package-private, as substitutions are
        gpuCount.setAccessible(true);
        assertThat(hasCuda.invoke(null)).isEqualTo(false);
        assertThat(gpuCount.invoke(null)).isEqualTo(0);
    }

    @Test
    void everySubstituteMatchesAMethodOfTheTarget() throws Exception {
        Class<?> substitution = Class.forName(SUBSTITUTION);
        // Loaded without initialising: the real class's static initialiser would probe for CUDA.
        Class<?> original = Class.forName(
                substitution.getAnnotation(TargetClass.class).className(),
                false,
                getClass().getClassLoader());
        List<Method> substitutes = Arrays.stream(substitution.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Substitute.class))
                .toList();
        assertThat(substitutes).extracting(Method::getName).containsExactlyInAnyOrder("hasCuda", "getGpuCount");
        for (Method substitute : substitutes) {
            // A @Substitute without a matching original fails the native build ("could not find target method").
            Method real = original.getDeclaredMethod(substitute.getName(), substitute.getParameterTypes());
            assertThat(substitute.getReturnType()).isEqualTo(real.getReturnType());
            assertThat(Modifier.isStatic(substitute.getModifiers()))
                    .as(substitute.getName() + " static like the original")
                    .isEqualTo(Modifier.isStatic(real.getModifiers()));
        }
    }

    @Test
    void onlyLinuxX8664NativesStayInTheImage() throws IOException {
        List<Pattern> excludes = excludes();
        List<String> natives = new ArrayList<>();
        natives.addAll(entries("ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/onnxruntime/native/"));
        natives.addAll(entries("native/lib/linux-x86_64/cpu/libtokenizers.so", "native/lib/"));

        List<String> kept = natives.stream()
                .filter(name -> !name.endsWith("/"))
                .filter(name -> excludes.stream().noneMatch(p -> p.matcher(name).matches()))
                .toList();
        assertThat(kept)
                .as("native resources left in the image")
                .isNotEmpty()
                .allSatisfy(
                        name -> assertThat(name)
                                .matches(
                                        "ai/onnxruntime/native/linux-x64/.*|native/lib/linux-x86_64/.*|native/lib/[^/]+\\.properties"));
        assertThat(kept)
                .contains(
                        "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                        "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so",
                        "native/lib/linux-x86_64/cpu/libtokenizers.so",
                        "native/lib/tokenizers.properties");
        assertThat(natives)
                .as("the jars still ship other platforms, so the excludes still matter")
                .anyMatch(name -> name.endsWith("onnxruntime.pdb"))
                .anyMatch(name -> name.startsWith("native/lib/osx-"));
    }

    @Test
    void theEmbeddingModelsResourcesAreIncludedAndNotExcluded() throws IOException {
        List<Pattern> includes = globs(INCLUDES);
        List<Pattern> excludes = excludes();
        for (String resource : TextEmbedder.RESOURCES) {
            assertThat(NativeImageConfigTest.class.getClassLoader().getResource(resource))
                    .as(resource + " on the class path")
                    .isNotNull();
            assertThat(includes)
                    .as(resource + " included")
                    .anyMatch(p -> p.matcher(resource).matches());
            assertThat(excludes)
                    .as(resource + " not excluded")
                    .noneMatch(p -> p.matcher(resource).matches());
        }
        assertThat(includes)
                .as("the firewall's rules and model")
                .anyMatch(p -> p.matcher("firewall/model.json").matches());
    }

    @Test
    void excludesAreUnderTheNativeImageHeaderAtTheEnd() throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(Path.of("src/main/resources/application.properties"));
        int header = lines.indexOf("## Native image");
        assertThat(header).as("a '## Native image' section").isPositive();
        assertThat(lines.subList(header + 1, lines.size()))
                .as("the native section is the last one")
                .noneMatch(line -> line.startsWith("## "))
                .anyMatch(line -> line.startsWith(EXCLUDES + "="));
    }

    /** The globs as Quarkus reads them: a config list, each turned into a regex by Quarkus's own GlobUtil. */
    static List<Pattern> excludes() throws IOException {
        return globs(EXCLUDES);
    }

    static List<Pattern> globs(String property) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        NativeImageConfigTest.class.getResource("/application.properties"), 100))
                .build();
        return config.getValues(property, String.class).stream()
                .map(glob -> Pattern.compile(GlobUtil.toRegexPattern(glob)))
                .toList();
    }

    /** Every entry under {@code prefix} in the jar that holds {@code resource}. */
    static List<String> entries(String resource, String prefix) throws IOException {
        URL url = NativeImageConfigTest.class.getClassLoader().getResource(resource);
        assertThat(url).as(resource + " on the class path").isNotNull();
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            return jar.stream()
                    .map(java.util.zip.ZipEntry::getName)
                    .filter(name -> name.startsWith(prefix))
                    .toList();
        }
    }
}
