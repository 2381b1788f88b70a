package dev.warden.memory;

/** The memory store could not do what was asked: it is unreachable, or it failed. Always worth a retry later. */
public class MemoryStoreException extends RuntimeException {

    public MemoryStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public MemoryStoreException(String message) {
        super(message);
    }
}
