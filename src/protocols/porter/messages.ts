/**
 * The porter ⇄ streamer messages on the Node IPC channel (JSON). The passed socket travels as the
 * message's handle (SCM_RIGHTS, done by Node); the bytes the porter already read travel in the
 * message itself, so the two arrive together. Tests: test/protocols/porter/porter-client.test.ts.
 */

/** Streamer → porter: up and serving these paths. */
export interface ReadyMessage {
  readonly torsionPorter: 1;
  readonly type: 'ready';
  readonly paths: readonly string[];
}

/** Streamer → porter: taking no more connections (shutting down); route no more to it. */
export interface StoppingMessage {
  readonly torsionPorter: 1;
  readonly type: 'stopping';
}

/** Porter → streamer: a connection (the handle) and the bytes already read from it (base64). */
export interface PassMessage {
  readonly torsionPorter: 1;
  readonly type: 'pass';
  readonly path: string;
  readonly prefix: string;
}

export type PorterMessage = ReadyMessage | StoppingMessage | PassMessage;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return isObject(value) && value['torsionPorter'] === 1 && value['type'] === 'ready' && Array.isArray(value['paths'])
    && (value['paths'] as unknown[]).every((p) => typeof p === 'string');
}

export function isStoppingMessage(value: unknown): value is StoppingMessage {
  return isObject(value) && value['torsionPorter'] === 1 && value['type'] === 'stopping';
}

export function isPassMessage(value: unknown): value is PassMessage {
  return isObject(value) && value['torsionPorter'] === 1 && value['type'] === 'pass'
    && typeof value['path'] === 'string' && typeof value['prefix'] === 'string';
}
