package dev.warden.journal;

import dev.warden.config.WardenConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This instance's name among the replicas sharing a database: {@code warden.node-id}, else the host name (a pod's name
 * on Kubernetes). It must survive a restart on the same host, so the restarted node recognises the turns it left open.
 */
@ApplicationScoped
public class NodeIdentity {

    private final String id;

    NodeIdentity(WardenConfig config) {
        this.id = config.nodeId().filter(value -> !value.isBlank()).orElseGet(NodeIdentity::hostName);
    }

    public String id() {
        return id;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "warden";
        }
    }
}
