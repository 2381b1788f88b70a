package dev.warden.tools.sandbox;

/** {@code run_shell} was refused because its sandbox is not available (see {@link SandboxRunner#check()}). */
public final class SandboxUnavailableException extends IllegalStateException {

    SandboxUnavailableException(String message) {
        super(message);
    }
}
