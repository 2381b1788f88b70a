-- Portable between H2 2.x and PostgreSQL 15: VARCHAR without a length is unbounded on both.

CREATE TABLE users (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    role        VARCHAR(20)  NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE sessions (
    id             VARCHAR(36)  PRIMARY KEY,
    user_id        VARCHAR(36)  NOT NULL REFERENCES users (id),
    title          VARCHAR(200),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id, last_activity);

-- Every server message of a session, in order; seq is the session's gap-free sequence (1, 2, 3, ...).
CREATE TABLE session_events (
    session_id  VARCHAR(36) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq         BIGINT      NOT NULL,
    type        VARCHAR(40) NOT NULL,
    turn_id     VARCHAR(36),
    trace_id    VARCHAR(32),
    ts          TIMESTAMP WITH TIME ZONE NOT NULL,
    payload     VARCHAR     NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- The conversation as the model saw it (langchain4j ChatMessage JSON), for the recent-conversation window.
CREATE TABLE conversation_messages (
    session_id  VARCHAR(36) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    idx         INTEGER     NOT NULL,
    turn_id     VARCHAR(36) NOT NULL,
    message     VARCHAR     NOT NULL,
    PRIMARY KEY (session_id, idx)
);

-- One-time tickets that let a browser open /ws/chat (it cannot send an Authorization header on a WebSocket).
CREATE TABLE ws_tickets (
    ticket_hash  VARCHAR(64) PRIMARY KEY,
    user_id      VARCHAR(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
