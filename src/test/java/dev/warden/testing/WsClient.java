package dev.warden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client for tests: JDK's own, recording every server message in order. */
public final class WsClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private int counter;

    private WsClient(WebSocket.Builder builder, URI uri) {
        this.socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Connects with {@code Authorization: Bearer token}; {@code query} may be empty. */
    public static WsClient connect(URI base, String token, String query) {
        WebSocket.Builder builder = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .connectTimeout(TIMEOUT);
        return new WsClient(builder, chatUri(base, query));
    }

    public static URI chatUri(URI base, String query) {
        String ws = base.toString().replaceFirst("^http", "ws").replaceAll("/$", "");
        return URI.create(ws + "/ws/chat" + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** Connects with a builder the test prepared (its own headers, subprotocols). */
    public static WsClient connect(WebSocket.Builder builder, URI uri) {
        return new WsClient(builder, uri);
    }

    public String nextId() {
        return "m" + (++counter);
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    public ObjectNode send(String type, Object... fields) {
        ObjectNode message = JSON.createObjectNode().put("type", type).put("id", nextId());
        for (int i = 0; i < fields.length; i += 2) {
            message.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        sendRaw(message.toString());
        return message;
    }

    /** Sends a user message and returns its id. */
    public String say(String text) {
        return send("user_message", "text", text).get("id").asText();
    }

    /** The next message, whatever its type. */
    public JsonNode next() {
        try {
            JsonNode message = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(message).as("a server message within " + TIMEOUT).isNotNull();
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Skips messages until one of {@code type} arrives, and returns it. */
    public JsonNode await(String type) {
        return await(m -> type.equals(m.path("type").asText()), type);
    }

    public JsonNode await(Predicate<JsonNode> wanted, String description) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode message = next();
            if (wanted.test(message)) {
                return message;
            }
        }
        throw new AssertionError("No message matching " + description + " within " + TIMEOUT);
    }

    /** Every message until (and including) the next {@code turn_completed}. */
    public List<JsonNode> untilTurnCompleted() {
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode message = next();
            messages.add(message);
            if ("turn_completed".equals(message.path("type").asText())) {
                return messages;
            }
        }
    }

    /** True when nothing arrives for {@code quiet}. */
    public boolean silentFor(Duration quiet) throws InterruptedException {
        return inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    public synchronized List<JsonNode> received() {
        return List.copyOf(all);
    }

    public int awaitClose() {
        return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    synchronized (WsClient.this) {
                        all.add(message);
                    }
                    inbox.add(message);
                } catch (Exception e) {
                    throw new IllegalStateException("Server sent non-JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
