package dev.warden.deploy;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.FallbackConfigSourceInterceptor;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Every {@code warden.*} property, read from the {@code @ConfigMapping} interfaces themselves: names, types and
 * defaults by reflection, descriptions from their Javadoc (parsed with the JDK's compiler API), the environment
 * variable by SmallRye's rule, and the alternative names the project's fallback interceptors accept.
 */
final class ConfigReference {

    record Property(String name, String env, String type, String defaultValue, String description, String alsoRead) {}

    static final Path CLASSES = Path.of("target/classes");
    static final Path SOURCES = Path.of("src/main/java");
    static final String PREFIX = "warden";

    private ConfigReference() {}

    /** All properties of every mapping whose prefix is {@code warden} or below it, sorted by name. */
    static List<Property> properties() {
        List<Property> properties = new ArrayList<>();
        for (Class<?> mapping : mappings()) {
            Map<String, String> docs = javadoc(mapping);
            walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), docs, properties);
        }
        properties.sort(Comparator.comparing(Property::name));
        return properties;
    }

    /** The root {@code @ConfigMapping} interfaces under {@code target/classes} with a {@code warden} prefix. */
    static List<Class<?>> mappings() {
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name =
                        CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, ConfigReference.class.getClassLoader());
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (type.isInterface()
                        && mapping != null
                        && (mapping.prefix().equals(PREFIX) || mapping.prefix().startsWith(PREFIX + "."))) {
                    mappings.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        mappings.sort(
                Comparator.comparing(c -> c.getAnnotation(ConfigMapping.class).prefix()));
        return mappings;
    }

    private static void walk(Class<?> group, String prefix, Map<String, String> docs, List<Property> out) {
        List<Method> methods = Stream.of(group.getMethods())
                .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && !m.isDefault())
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        for (Method method : methods) {
            String name = method.isAnnotationPresent(WithParentName.class)
                    ? prefix
                    : prefix + "."
                            + (method.isAnnotationPresent(WithName.class)
                                    ? method.getAnnotation(WithName.class).value()
                                    : kebab(method.getName()));
            Type type = method.getGenericReturnType();
            Class<?> raw = raw(type);
            if (raw == Optional.class && isGroup(raw(argument(type, 0)))) {
                walk(raw(argument(type, 0)), name, docs, out);
            } else if (isGroup(raw)) {
                walk(raw, name, docs, out);
            } else if (raw == Map.class && isGroup(raw(argument(type, 1)))) {
                walk(raw(argument(type, 1)), name + ".*", docs, out);
            } else {
                String key = docKey(method.getDeclaringClass()) + "#" + method.getName();
                WithDefault withDefault = method.getAnnotation(WithDefault.class);
                out.add(new Property(
                        raw == Map.class ? name + ".*" : name,
                        env(raw == Map.class ? name + ".*" : name),
                        typeName(type),
                        withDefault == null ? "" : withDefault.value(),
                        docs.getOrDefault(key, ""),
                        alsoRead(name)));
            }
        }
    }

    /** Kebab case as SmallRye names mapping methods: {@code maxInputBytes} is {@code max-input-bytes}. */
    static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** SmallRye's environment name: every character that is not a letter or digit becomes {@code _}, upper case. */
    static String env(String property) {
        return property.replace("*", "<KEY>").replaceAll("[^A-Za-z0-9<>]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * The other names a property is read from, found by asking each discovered fallback interceptor (e.g.
     * {@code ProviderSettingsFallback}) which names it tries when the property itself is unset.
     */
    static String alsoRead(String property) {
        List<String> names = new ArrayList<>();
        List<FallbackConfigSourceInterceptor> fallbacks =
                ServiceLoader.load(io.smallrye.config.ConfigSourceInterceptor.class).stream()
                        .filter(provider -> provider.type().getName().startsWith("dev.warden."))
                        .filter(provider -> FallbackConfigSourceInterceptor.class.isAssignableFrom(provider.type()))
                        .map(provider -> (FallbackConfigSourceInterceptor) provider.get())
                        .toList();
        for (FallbackConfigSourceInterceptor fallback : fallbacks) {
            fallback.getValue(
                    new ConfigSourceInterceptorContext() {
                        @Override
                        public ConfigValue proceed(String name) {
                            if (!name.equals(property)) {
                                names.add(name);
                            }
                            return null;
                        }

                        @Override
                        public ConfigValue restart(String name) {
                            return proceed(name);
                        }

                        @Override
                        public Iterator<String> iterateNames() {
                            return List.<String>of().iterator();
                        }
                    },
                    property);
        }
        return String.join(", ", names.stream().map(ConfigReference::env).toList());
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith("dev.warden.");
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static String typeName(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = raw(p);
            List<String> args = Stream.of(p.getActualTypeArguments())
                    .map(ConfigReference::typeName)
                    .toList();
            if (raw == Optional.class) {
                return args.getFirst() + ", optional";
            }
            return raw.getSimpleName() + "<" + String.join(", ", args) + ">";
        }
        return raw(type).getSimpleName();
    }

    /** {@code WardenConfig.Model.Ollama} for the nested interface {@code WardenConfig$Model$Ollama}. */
    private static String docKey(Class<?> type) {
        String binary = type.getName().substring(type.getPackageName().length() + 1);
        return binary.replace('$', '.');
    }

    /** Javadoc of every interface method in the mapping's source file, keyed like {@link #docKey}. */
    static Map<String, String> javadoc(Class<?> mapping) {
        Path source = SOURCES.resolve(mapping.getName().replace('.', '/') + ".java");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("The tests need a JDK (javax.tools.JavaCompiler), not a JRE");
        }
        Map<String, String> docs = new HashMap<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask)
                    compiler.getTask(null, files, null, List.of("-proc:none"), null, files.getJavaFileObjects(source));
            Trees trees = Trees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                new TreePathScanner<Void, String>() {
                    @Override
                    public Void visitClass(ClassTree tree, String outer) {
                        String name =
                                outer.isEmpty() ? tree.getSimpleName().toString() : outer + "." + tree.getSimpleName();
                        for (Tree member : tree.getMembers()) {
                            if (member instanceof MethodTree method) {
                                String comment = trees.getDocComment(new TreePath(getCurrentPath(), method));
                                if (comment != null) {
                                    docs.put(name + "#" + method.getName(), plain(comment));
                                }
                            } else if (member instanceof ClassTree nested) {
                                visitClass(nested, name);
                            }
                        }
                        return null;
                    }
                }.scan(unit, "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** Javadoc to one line of Markdown. */
    static String plain(String javadoc) {
        return javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)? ([^}]*)}", "`$1`")
                .replaceAll("<[^>]+>", "")
                .replaceAll("\\s+", " ")
                .strip();
    }

    /** The Markdown table for docs/operations.md. */
    static String table() {
        StringBuilder table = new StringBuilder();
        table.append("| Property | Environment variable | Type | Default | Description |\n");
        table.append("|---|---|---|---|---|\n");
        for (Property p : properties()) {
            String env = "`" + p.env() + "`" + (p.alsoRead().isEmpty() ? "" : " (or `" + p.alsoRead() + "`)");
            table.append("| `")
                    .append(p.name())
                    .append("` | ")
                    .append(env)
                    .append(" | ")
                    .append(p.type())
                    .append(" | ")
                    .append(p.defaultValue().isEmpty() ? "—" : "`" + shorten(p.defaultValue()) + "`")
                    .append(" | ")
                    .append(p.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String shorten(String value) {
        String oneLine = value.replace("|", "\\|").replace("`", "'");
        return oneLine.length() <= 48 ? oneLine : oneLine.substring(0, 45) + "…";
    }
}
