package dev.warden.agent;

/** The stable {@code code}s of {@code error} messages. Clients switch on these; never rename one. */
public final class ErrorCodes {
    /** The frame is not JSON, or not a JSON object. */
    public static final String BAD_JSON = "bad_json";
    /** The {@code type} is not one this server knows. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** A field is missing or has the wrong type or value; {@code field} names it. */
    public static final String INVALID_MESSAGE = "invalid_message";
    /** The frame or the message text is over its size limit. */
    public static final String TOO_LARGE = "too_large";
    /** A turn is already running in this session. */
    public static final String BUSY = "busy";
    /** The server is shutting down and takes no new turn; reconnect and send the message again. */
    public static final String SHUTTING_DOWN = "shutting_down";
    /** The session does not exist or belongs to someone else (the two are not told apart). */
    public static final String SESSION_NOT_FOUND = "session_not_found";
    /** {@code cancel} named a turn that is not running. */
    public static final String NO_ACTIVE_TURN = "no_active_turn";
    /** {@code resume} asked for events after a seq the session has not reached. */
    public static final String SEQ_OUT_OF_RANGE = "seq_out_of_range";
    /** The approval does not exist or is not the caller's to decide (the two are not told apart). */
    public static final String APPROVAL_NOT_FOUND = "approval_not_found";
    /** The approval's time ran out; the call was denied. */
    public static final String APPROVAL_EXPIRED = "approval_expired";
    /** The approval was decided already; the first decision stands. */
    public static final String APPROVAL_ALREADY_DECIDED = "approval_already_decided";
    /** No model provider is configured; the message says what to set. */
    public static final String MODEL_NOT_CONFIGURED = "model_not_configured";
    /** The model provider failed or refused the request. */
    public static final String MODEL_ERROR = "model_error";
    /** An unexpected failure inside Warden; the session can go on. */
    public static final String INTERNAL_ERROR = "internal_error";

    private ErrorCodes() {}
}
