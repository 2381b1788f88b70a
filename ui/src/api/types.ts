import type { components } from './schema';

/**
 * Names for the generated types (src/api/schema.d.ts, from the service's OpenAPI document) that the page uses. Nothing
 * here is typed by hand: a change on the service shows up as a type error after `npm run gen:api`.
 */
type Schemas = components['schemas'];

export type SessionView = Schemas['SessionView'];
export type ClientConfig = Schemas['ClientConfig'];

export type ClientMessage = Schemas['ClientMessage'];
export type ServerMessage = Schemas['ServerMessage'];
/** An entry of GET /api/sessions/{id}/events: a server message, or (with facts=true) an internal fact with `sub`. */
export type JournalEvent = Schemas['JournalEvent'];
export type JournalFact = Schemas['JournalFact'];

export type FirewallVerdict = Schemas['FirewallVerdictMessage'];
export type MemoryRecall = Schemas['MemoryRecallMessage'];
export type ApprovalRequired = Schemas['ApprovalRequiredMessage'];
export type ApprovalResolved = Schemas['ApprovalResolvedMessage'];
export type ErrorMessage = Schemas['ErrorMessage'];
export type Usage = Schemas['Usage'];
