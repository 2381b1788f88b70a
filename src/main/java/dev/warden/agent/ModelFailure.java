package dev.warden.agent;

/** The model provider failed: unreachable, refused the request, or broke off the stream. */
public final class ModelFailure extends RuntimeException {

    public ModelFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
