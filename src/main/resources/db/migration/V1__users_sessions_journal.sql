-- Portable between H2 2.x and PostgreSQL 15: VARCHAR without a length is unbounded on both.

CREATE TABLE users (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    role        VARCHAR(20)  NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE sessions (
    id               VARCHAR(36)  PRIMARY KEY,
    user_id          VARCHAR(36)  NOT NULL REFERENCES users (id),
    title            VARCHAR(200),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The turn that started and has not ended yet, which node runs it, and until when that node vouches for it
    -- (renewed while the turn runs). A restart or another node closes it with turn_interrupted.
    open_turn_id     VARCHAR(36),
    open_turn_node   VARCHAR(200),
    open_turn_lease  TIMESTAMP WITH TIME ZONE
);

CREATE INDEX sessions_by_user ON sessions (user_id, last_activity);

-- The journal: every event of a session, in order. Events the client sees have sub = 0 and seq is the session's
-- gap-free wire sequence (1, 2, 3, ...); internal facts (model requests, tool invocations, ...) follow the event they
-- come after, as (seq, 1), (seq, 2), ...
CREATE TABLE session_events (
    session_id  VARCHAR(36) NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq         BIGINT      NOT NULL,
    sub         INTEGER     NOT NULL,
    type        VARCHAR(40) NOT NULL,
    turn_id     VARCHAR(36),
    trace_id    VARCHAR(32),
    ts          TIMESTAMP WITH TIME ZONE NOT NULL,
    payload     VARCHAR     NOT NULL,
    PRIMARY KEY (session_id, seq, sub)
);

CREATE INDEX session_events_by_type ON session_events (session_id, type, seq);

-- One-time tickets that let a browser open /ws/chat (it cannot send an Authorization header on a WebSocket).
CREATE TABLE ws_tickets (
    ticket_hash  VARCHAR(64) PRIMARY KEY,
    user_id      VARCHAR(36) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Approvals of risky tool calls: bound to the exact call (digest of tool and arguments), with who decided, when and
-- from which connection.
CREATE TABLE approvals (
    id               VARCHAR(36)  PRIMARY KEY,
    session_id       VARCHAR(36)  NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id          VARCHAR(36)  NOT NULL REFERENCES users (id),
    turn_id          VARCHAR(36)  NOT NULL,
    tool_call_id     VARCHAR(200) NOT NULL,
    tool             VARCHAR(100) NOT NULL,
    arguments        VARCHAR      NOT NULL,
    digest           VARCHAR(64)  NOT NULL,
    risk             VARCHAR(20)  NOT NULL,
    preview          VARCHAR      NOT NULL,
    grant_key        VARCHAR(1000),
    status           VARCHAR(20)  NOT NULL,
    scope            VARCHAR(10),
    decided_by       VARCHAR(20),
    decided_by_user  VARCHAR(36),
    decided_via      VARCHAR(200),
    requested_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at       TIMESTAMP WITH TIME ZONE,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX approvals_by_user ON approvals (user_id, status);
CREATE INDEX approvals_by_session ON approvals (session_id, status);

-- "Approve for this session": later calls of the same tool with the same argument pattern need no new approval.
CREATE TABLE session_grants (
    session_id   VARCHAR(36)   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    grant_key    VARCHAR(1000) NOT NULL,
    approval_id  VARCHAR(36)   NOT NULL,
    granted_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id, grant_key)
);
