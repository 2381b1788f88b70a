package dev.warden.tools.sandbox;

/**
 * A path the model named was refused. The message is written for the model (it becomes the tool's error result) and
 * never contains the workspace's location on the host.
 */
public final class WorkspacePathException extends IllegalArgumentException {

    WorkspacePathException(String requested, String why) {
        super("Refused path '" + printable(requested) + "': " + why);
    }

    /** The requested path as it can safely appear in a message: control characters escaped, length capped. */
    static String printable(String path) {
        if (path == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < path.length() && text.length() < 200; i++) {
            char c = path.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return path.length() > 200 ? text + "..." : text.toString();
    }
}
