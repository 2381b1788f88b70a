package dev.warden.tools;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.warden.tools.policy.HostPattern;
import dev.warden.tools.policy.Origin;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code http_get}: fetches a URL through the Quarkus REST client — only from hosts the operator allowed
 * ({@code warden.tools.http.allowed-hosts}, none by default), never from a private or loopback address unless the
 * allowlist names that address itself, following redirects only to allowed hosts, and cutting long bodies.
 */
@ApplicationScoped
@RegisterForReflection
public class HttpGetTool implements AgentTool {

    private final List<HostPattern> allowed;
    private final ToolsConfig.Http config;
    private final Client client;
    private final io.opentelemetry.api.OpenTelemetry telemetry;

    HttpGetTool(ToolsConfig tools, io.opentelemetry.api.OpenTelemetry telemetry) {
        this.telemetry = telemetry;
        this.config = tools.http();
        this.allowed = config.allowedHosts().orElse(List.of()).stream()
                .map(HostPattern::parse)
                .toList();
        this.client = ClientBuilder.newBuilder()
                .connectTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .property("io.quarkus.rest.client.follow-redirects", false)
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    @Tool(
            name = "http_get",
            value = "Fetches a web page or API response (GET) from an allowed host and returns its text.")
    public String httpGet(@P("the absolute http or https URL") String url) {
        URI target = check(url);
        for (int redirect = 0; ; redirect++) {
            jakarta.ws.rs.client.Invocation.Builder request =
                    client.target(target).request().header("User-Agent", "Warden");
            // The fetch joins the turn's trace (W3C traceparent), like the model provider's calls.
            telemetry
                    .getPropagators()
                    .getTextMapPropagator()
                    .inject(io.opentelemetry.context.Context.current(), request, (builder, key, value) -> {
                        if (builder != null) {
                            builder.header(key, value);
                        }
                    });
            try (Response response = request.get()) {
                int status = response.getStatus();
                if (status >= 300 && status < 400 && response.getLocation() != null) {
                    if (redirect >= config.maxRedirects()) {
                        throw new IllegalArgumentException(
                                "Too many redirects (more than " + config.maxRedirects() + ").");
                    }
                    target = check(target.resolve(response.getLocation()).toString());
                    continue;
                }
                return describe(status, response);
            }
        }
    }

    /** The URL, if it is http(s) on an allowed host that does not resolve to a private address. */
    URI check(String url) {
        Origin origin = Origin.parse(url == null ? "" : url.strip())
                .orElseThrow(() -> new IllegalArgumentException("Not an absolute http or https URL: " + url));
        HostPattern match = allowed.stream()
                .filter(pattern -> pattern.matches(origin))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "The host " + origin.host() + " is not on this server's allowlist for http_get."));
        if (!match.toString().equals(origin.host()) || !isIpLiteral(origin.host())) {
            refusePrivate(origin.host());
        }
        return URI.create(url.strip());
    }

    private static void refusePrivate(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLoopbackAddress()
                        || address.isSiteLocalAddress()
                        || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress()
                        || address.isMulticastAddress()) {
                    throw new IllegalArgumentException("The host " + host + " resolves to a private address; http_get"
                            + " reaches private addresses only when the allowlist names the address itself.");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("The host " + host + " does not resolve.");
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private String describe(int status, Response response) {
        String type =
                response.getMediaType() == null ? "" : response.getMediaType().toString();
        long max = config.maxResponse().asLongValue();
        byte[] bytes;
        boolean cut;
        try (InputStream body = response.readEntity(InputStream.class)) {
            bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            cut = bytes.length > max;
        } catch (IOException e) {
            throw new IllegalStateException("Reading the response failed: " + e.getMessage(), e);
        }
        String header = "HTTP " + status + (type.isEmpty() ? "" : " (" + type + ")") + "\n";
        if (!isText(type)) {
            return header + "[" + bytes.length + (cut ? "+" : "") + " bytes of " + (type.isEmpty() ? "unknown" : type)
                    + " content, not shown]";
        }
        Charset charset = charset(response);
        String text = new String(bytes, 0, (int) Math.min(bytes.length, max), charset);
        return header + text + (cut ? "\n[… cut: the response is longer than " + max + " bytes]" : "");
    }

    private static boolean isText(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return t.isEmpty()
                || t.startsWith("text/")
                || t.contains("json")
                || t.contains("xml")
                || t.contains("yaml")
                || t.contains("javascript");
    }

    private static Charset charset(Response response) {
        try {
            String name = response.getMediaType() == null
                    ? null
                    : response.getMediaType().getParameters().get("charset");
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
