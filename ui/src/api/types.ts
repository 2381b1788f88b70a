import type { components } from './schema';

/** REST shapes: from the generated schema. */
export type SessionView = components['schemas']['SessionView'];
export type ClientConfig = components['schemas']['ClientConfig'];

// PROVISIONAL (WebSocket messages): written from docs/protocol.md until the OpenAPI document carries the message
// schemas; then aliases of the generated ones.

export interface Envelope {
  sessionId: string;
  seq: number;
  traceId: string;
  turnId?: string | null;
  ts: string;
}
export interface Signal { id: string; weight: number; excerpt?: string | null }
export interface MemoryItem { id: string; text: string; score: number; sessionId?: string | null; at?: string | null }
export interface Usage { inputTokens?: number | null; outputTokens?: number | null; totalTokens?: number | null }

export type SessionReady = Envelope & { type: 'session_ready'; resumed: boolean; lastSeq: number };
export type TurnStarted = Envelope & { type: 'turn_started'; messageId: string };
export type FirewallVerdict = Envelope & {
  type: 'firewall_verdict'; action: 'allow' | 'flag' | 'block'; score: number; signals: Signal[];
  source: 'user' | 'tool' | 'memory'; toolCallId?: string | null; memoryId?: string | null;
};
export type MemoryRecall = Envelope & { type: 'memory_recall'; items: MemoryItem[]; error?: string | null };
export type TokenMessage = Envelope & { type: 'token'; text: string };
export type ToolCallMessage = Envelope & { type: 'tool_call'; toolCallId: string; tool: string; arguments: unknown };
export type ToolResultMessage = Envelope & { type: 'tool_result'; toolCallId: string; tool: string; result: string; error: boolean };
export type ApprovalRequired = Envelope & {
  type: 'approval_required'; approvalId: string; toolCallId: string; tool: string; arguments: unknown;
  risk: string; preview?: unknown; expiresAt: string;
};
export type ApprovalResolved = Envelope & {
  type: 'approval_resolved'; approvalId: string; toolCallId: string; decision: 'approve' | 'deny';
  by: string; scope?: string | null;
};
export type TurnCompleted = Envelope & { type: 'turn_completed'; finishReason: string; usage?: Usage | null };
export type TurnInterrupted = Envelope & { type: 'turn_interrupted'; reason: string };
export type ErrorMessage = Envelope & {
  type: 'error'; code: string; message: string; replyTo?: string | null; field?: string | null; recoverable: boolean;
};
export type Pong = Envelope & { type: 'pong'; replyTo?: string | null };

export type ServerMessage =
  | SessionReady | TurnStarted | FirewallVerdict | MemoryRecall | TokenMessage | ToolCallMessage | ToolResultMessage
  | ApprovalRequired | ApprovalResolved | TurnCompleted | TurnInterrupted | ErrorMessage | Pong;

export type ClientMessage =
  | { type: 'user_message'; id: string; text: string; traceparent?: string }
  | { type: 'cancel'; id: string; turnId: string }
  | { type: 'resume'; id: string; lastSeq: number }
  | { type: 'approval_decision'; id: string; approvalId: string; decision: 'approve' | 'deny'; scope?: 'once' | 'session' }
  | { type: 'ping'; id: string };
