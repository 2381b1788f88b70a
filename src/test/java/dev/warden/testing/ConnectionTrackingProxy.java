package dev.warden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the fake provider that remembers every connection: what the client sent and whether it is
 * still open. It is how tests see that cancelling a turn really closed the provider's HTTP request.
 */
public final class ConnectionTrackingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<TrackedConnection> connections = new CopyOnWriteArrayList<>();

    public ConnectionTrackingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections whose client-sent bytes contain {@code marker}. */
    public List<TrackedConnection> carrying(String marker) {
        return connections.stream().filter(c -> c.sent().contains(marker)).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                TrackedConnection tracked = new TrackedConnection(client, upstream);
                connections.add(tracked);
                Thread.ofPlatform().daemon().start(() -> tracked.pump(client, upstream, true));
                Thread.ofPlatform().daemon().start(() -> tracked.pump(upstream, client, false));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    e.printStackTrace();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (TrackedConnection connection : connections) {
            connection.closeBoth();
        }
    }

    public static final class TrackedConnection {
        private final Socket client;
        private final Socket upstream;
        private final StringBuffer sent = new StringBuffer();
        private volatile boolean closed;

        TrackedConnection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        public String sent() {
            return sent.toString();
        }

        /** True once either side closed the connection. */
        public boolean isClosed() {
            return closed;
        }

        void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (fromClient && sent.length() < 1_000_000) {
                        sent.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away
            } finally {
                closeBoth();
            }
        }

        void closeBoth() {
            closed = true;
            try {
                client.close();
            } catch (IOException ignored) {
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
            }
        }
    }
}
