import type {
  ApprovalRequired,
  ApprovalResolved,
  ErrorMessage,
  FirewallVerdict,
  JournalFact,
  MemoryRecall,
  ServerMessage,
  Usage,
} from '../api/types';

/**
 * The chat's state, built only from what the service sent (live, resumed or fetched from the journal) plus the user's
 * own messages while they wait for their turn. Pure: every change goes through {@link chatReducer}.
 */
export interface ChatState {
  sessionId: string | null;
  /** The highest journaled event applied: what `resume {lastSeq}` asks after. */
  lastSeq: number;
  turns: TurnView[];
  /** Messages sent and not yet answered by a `turn_started`. */
  outbox: { id: string; text: string }[];
  /** The text of each user message by its id (from the journal's `message_received` facts or from sending it). */
  texts: Record<string, string>;
  /** Approval decisions sent, by client message id, to pin an error reply on the right card. */
  decisions: Record<string, string>;
  /** Problems outside any turn: a malformed frame, a refused message. Newest last. */
  notices: Notice[];
}

export interface Notice {
  id: number;
  code: string;
  message: string;
}

export type TurnStatus = 'running' | 'completed' | 'interrupted';

export interface TurnView {
  turnId: string;
  messageId?: string;
  traceId: string;
  startedAt: string;
  status: TurnStatus;
  /** What happened, in order: the answer's text pieces between the tool calls. */
  items: TurnItem[];
  finishReason?: string;
  usage?: Usage | null;
  interruptedBecause?: string;
}

export type TurnItem =
  | { kind: 'text'; text: string }
  | { kind: 'verdict'; verdict: FirewallVerdict }
  | { kind: 'memory'; recall: MemoryRecall }
  | { kind: 'tool'; tool: ToolView }
  | { kind: 'error'; code: string; message: string };

export interface ToolView {
  toolCallId: string;
  tool: string;
  arguments: unknown;
  result?: string;
  error?: boolean;
  approval?: ApprovalView;
  /** The firewall's verdicts on this call's result (only flagged or blocked ones are sent). */
  verdicts: FirewallVerdict[];
}

export interface ApprovalView {
  request: ApprovalRequired;
  /** Set once decided by anyone (user, timeout, policy, cancel). */
  resolution?: ApprovalResolved;
  /** A decision was sent and no answer came yet. */
  sending?: boolean;
  /** The service refused the decision: `approval_expired`, `approval_already_decided`, `approval_not_found`. */
  refused?: { code: string; message: string };
}

export type ChatAction =
  | { type: 'received'; message: unknown }
  | { type: 'received_many'; messages: unknown[] }
  | { type: 'malformed'; detail: string }
  | { type: 'sent_message'; id: string; text: string }
  | { type: 'sent_decision'; id: string; approvalId: string }
  | { type: 'dismiss_notice'; id: number }
  | { type: 'reset'; sessionId: string | null };

export function initialChatState(sessionId: string | null = null): ChatState {
  return { sessionId, lastSeq: 0, turns: [], outbox: [], texts: {}, decisions: {}, notices: [] };
}

/** Types that are journaled session events: each has a new `seq`, applied once. */
const EVENT_TYPES = new Set([
  'turn_started',
  'firewall_verdict',
  'memory_recall',
  'token',
  'tool_call',
  'tool_result',
  'approval_required',
  'approval_resolved',
  'turn_completed',
  'turn_interrupted',
]);

let noticeCounter = 0;

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'received':
      return receive(state, action.message);
    case 'received_many':
      return action.messages.reduce<ChatState>(receive, state);
    case 'malformed':
      return notice(state, 'malformed_frame', `The service sent a message that could not be read (${action.detail}).`);
    case 'sent_message':
      return {
        ...state,
        outbox: [...state.outbox, { id: action.id, text: action.text }],
        texts: { ...state.texts, [action.id]: action.text },
      };
    case 'sent_decision':
      return {
        ...state,
        decisions: { ...state.decisions, [action.id]: action.approvalId },
        turns: updateApproval(state.turns, action.approvalId, (a) => ({ ...a, sending: true, refused: undefined })),
      };
    case 'dismiss_notice':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'reset':
      return initialChatState(action.sessionId);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function receive(state: ChatState, raw: unknown): ChatState {
  if (!isRecord(raw) || typeof raw.type !== 'string') {
    return notice(state, 'malformed_frame', 'The service sent a message without a type; it was ignored.');
  }
  if (typeof raw.sub === 'number' && raw.sub > 0) {
    return fact(state, raw as unknown as JournalFact);
  }
  const message = raw as unknown as ServerMessage;
  if (EVENT_TYPES.has(message.type)) {
    if (typeof message.seq !== 'number') {
      return notice(state, 'malformed_frame', `A ${message.type} message came without a seq; it was ignored.`);
    }
    // An approval still waiting is sent again after a resume, as a reply whose seq is not new: apply it by its id.
    if (message.seq <= state.lastSeq && message.type !== 'approval_required') {
      return state;
    }
    const next = message.seq > state.lastSeq ? { ...state, lastSeq: message.seq } : state;
    return applyEvent(next, message);
  }
  switch (message.type) {
    case 'session_ready':
      if (state.sessionId !== null && state.sessionId !== message.sessionId) {
        // Another session now: nothing of the old one's state applies.
        return { ...initialChatState(message.sessionId), texts: state.texts };
      }
      return { ...state, sessionId: message.sessionId };
    case 'error':
      return error(state, message);
    case 'pong':
      return state;
    default:
      // Clients ignore message types they do not know (docs/protocol.md): the service may be newer than this page.
      return state;
  }
}

/** An internal fact from the journal (it has `sub`): only `message_received` matters here, for the user's own text. */
function fact(state: ChatState, entry: JournalFact): ChatState {
  const { messageId, text } = entry;
  if (entry.type === 'message_received' && typeof messageId === 'string' && typeof text === 'string') {
    return { ...state, texts: { ...state.texts, [messageId]: text } };
  }
  return state;
}

function applyEvent(state: ChatState, message: ServerMessage): ChatState {
  switch (message.type) {
    case 'turn_started': {
      if (!message.turnId || state.turns.some((t) => t.turnId === message.turnId)) {
        return state;
      }
      const turn: TurnView = {
        turnId: message.turnId,
        messageId: message.messageId,
        traceId: message.traceId,
        startedAt: message.ts,
        status: 'running',
        items: [],
      };
      return {
        ...state,
        turns: [...state.turns, turn],
        outbox: state.outbox.filter((m) => m.id !== message.messageId),
      };
    }
    case 'firewall_verdict':
      return withTurn(state, message.turnId, (turn) => {
        if (message.source === 'tool' && message.toolCallId) {
          return mapTool(turn, message.toolCallId, (tool) => ({ ...tool, verdicts: [...tool.verdicts, message] }));
        }
        return { ...turn, items: [...turn.items, { kind: 'verdict', verdict: message }] };
      });
    case 'memory_recall':
      return withTurn(state, message.turnId, (turn) => ({
        ...turn,
        items: [...turn.items, { kind: 'memory', recall: message }],
      }));
    case 'token':
      return withTurn(state, message.turnId, (turn) => {
        const last = turn.items[turn.items.length - 1];
        if (last && last.kind === 'text') {
          return { ...turn, items: [...turn.items.slice(0, -1), { kind: 'text', text: last.text + message.text }] };
        }
        return { ...turn, items: [...turn.items, { kind: 'text', text: message.text }] };
      });
    case 'tool_call':
      return withTurn(state, message.turnId, (turn) => {
        if (findTool(turn, message.toolCallId)) {
          return turn;
        }
        const tool: ToolView = {
          toolCallId: message.toolCallId,
          tool: message.tool,
          arguments: message.arguments,
          verdicts: [],
        };
        return { ...turn, items: [...turn.items, { kind: 'tool', tool }] };
      });
    case 'tool_result':
      return withTurn(state, message.turnId, (turn) =>
        mapTool(turn, message.toolCallId, (tool) => ({ ...tool, result: message.result, error: message.error })),
      );
    case 'approval_required':
      return withTurn(state, message.turnId, (turn) => {
        const existing = findTool(turn, message.toolCallId);
        if (existing?.approval) {
          return turn; // seen already (the journal's copy, then the reply after resume)
        }
        if (!existing) {
          const tool: ToolView = {
            toolCallId: message.toolCallId,
            tool: message.tool,
            arguments: message.arguments,
            verdicts: [],
            approval: { request: message },
          };
          return { ...turn, items: [...turn.items, { kind: 'tool', tool }] };
        }
        return mapTool(turn, message.toolCallId, (tool) => ({ ...tool, approval: { request: message } }));
      });
    case 'approval_resolved':
      return {
        ...state,
        turns: updateApproval(state.turns, message.approvalId, (a) => ({
          ...a,
          resolution: message,
          sending: false,
        })),
      };
    case 'turn_completed':
      return withTurn(state, message.turnId, (turn) => ({
        ...turn,
        status: 'completed',
        finishReason: message.finishReason,
        usage: message.usage,
      }));
    case 'turn_interrupted':
      return withTurn(state, message.turnId, (turn) => ({
        ...turn,
        status: 'interrupted',
        interruptedBecause: message.reason,
      }));
    default:
      return state;
  }
}

function error(state: ChatState, message: ErrorMessage): ChatState {
  const approvalId = message.replyTo ? state.decisions[message.replyTo] : undefined;
  if (approvalId) {
    return {
      ...state,
      turns: updateApproval(state.turns, approvalId, (a) => ({
        ...a,
        sending: false,
        refused: { code: message.code, message: message.message },
      })),
    };
  }
  // An error of a turn is a journaled event (new seq, turnId); apply it once.
  if (message.turnId && state.turns.some((t) => t.turnId === message.turnId)) {
    if (message.seq <= state.lastSeq) {
      return state;
    }
    const next = { ...state, lastSeq: message.seq };
    return withTurn(next, message.turnId, (turn) => ({
      ...turn,
      items: [...turn.items, { kind: 'error', code: message.code, message: message.message }],
    }));
  }
  // A message the service refused (busy, too_large, …) waits no longer.
  const outbox = message.replyTo ? state.outbox.filter((m) => m.id !== message.replyTo) : state.outbox;
  return notice({ ...state, outbox }, message.code, message.message);
}

function notice(state: ChatState, code: string, message: string): ChatState {
  const notices = [...state.notices, { id: ++noticeCounter, code, message }].slice(-5);
  return { ...state, notices };
}

function withTurn(state: ChatState, turnId: string | null | undefined, change: (turn: TurnView) => TurnView): ChatState {
  if (!turnId) {
    return state;
  }
  const index = state.turns.findIndex((t) => t.turnId === turnId);
  if (index < 0) {
    return state;
  }
  const turns = state.turns.slice();
  turns[index] = change(turns[index]);
  return { ...state, turns };
}

function findTool(turn: TurnView, toolCallId: string): ToolView | undefined {
  for (const item of turn.items) {
    if (item.kind === 'tool' && item.tool.toolCallId === toolCallId) {
      return item.tool;
    }
  }
  return undefined;
}

function mapTool(turn: TurnView, toolCallId: string, change: (tool: ToolView) => ToolView): TurnView {
  return {
    ...turn,
    items: turn.items.map((item) =>
      item.kind === 'tool' && item.tool.toolCallId === toolCallId ? { kind: 'tool', tool: change(item.tool) } : item,
    ),
  };
}

function updateApproval(
  turns: TurnView[],
  approvalId: string,
  change: (approval: ApprovalView) => ApprovalView,
): TurnView[] {
  return turns.map((turn) => {
    const hit = turn.items.some((i) => i.kind === 'tool' && i.tool.approval?.request.approvalId === approvalId);
    if (!hit) {
      return turn;
    }
    return {
      ...turn,
      items: turn.items.map((item) =>
        item.kind === 'tool' && item.tool.approval?.request.approvalId === approvalId
          ? { kind: 'tool', tool: { ...item.tool, approval: change(item.tool.approval) } }
          : item,
      ),
    };
  });
}

/** The turn still running, if any: what Stop cancels. */
export function runningTurn(state: ChatState): TurnView | undefined {
  return state.turns.findLast((t) => t.status === 'running');
}

/** Approvals waiting for a person, oldest first. */
export function pendingApprovals(state: ChatState): ApprovalView[] {
  const pending: ApprovalView[] = [];
  for (const turn of state.turns) {
    for (const item of turn.items) {
      if (item.kind === 'tool' && item.tool.approval && !item.tool.approval.resolution) {
        pending.push(item.tool.approval);
      }
    }
  }
  return pending;
}
