/**
 * The feed handshake's messages and proofs. Each message is one frame (the protocol wrappers use
 * `Int16StringReceiver` framing); its first byte is the type:
 *
 *     CHALLENGE 0x01  version(1) = 1, server nonce (32)
 *     RESPONSE  0x02  client nonce (32), client proof (32), identity (UTF-8, 1..255 bytes)
 *     ACCEPT    0x03  server proof (32)
 *     REJECT    0x04  reason (ASCII: wrong-credentials | replayed | malformed | rate-limited | unexpected)
 *
 *     client proof = HMAC-SHA256(secret, "torsion-feed-v1 client\0" ‖ server nonce ‖ client nonce ‖ identity)
 *     server proof = HMAC-SHA256(secret, "torsion-feed-v1 server\0" ‖ server nonce ‖ client nonce ‖ identity)
 *
 * Nonces have a fixed length, so the concatenation is unambiguous; the two labels keep a proof
 * made by one side from being reflected as the other's, and keep proofs apart from token
 * signatures made with the same secret. The secret itself never crosses the wire.
 * Tests: test/protocols/challenge/messages.test.ts.
 */
import { createHmac } from 'node:crypto';

export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32;
export const HANDSHAKE_VERSION = 1;
const MAX_IDENTITY_BYTES = 255;

/** Why a side refused the handshake, as sent in a REJECT. */
export type RejectReason = 'wrong-credentials' | 'replayed' | 'malformed' | 'rate-limited' | 'unexpected';
const REASONS: readonly RejectReason[] = ['wrong-credentials', 'replayed', 'malformed', 'rate-limited', 'unexpected'];

/** A decoded handshake message. */
export type HandshakeMessage =
  | { readonly type: 'challenge'; readonly version: number; readonly serverNonce: Buffer }
  | { readonly type: 'response'; readonly clientNonce: Buffer; readonly proof: Buffer; readonly identity: string }
  | { readonly type: 'accept'; readonly proof: Buffer }
  | { readonly type: 'reject'; readonly reason: RejectReason };

const TYPE = { challenge: 1, response: 2, accept: 3, reject: 4 } as const;

/** True when `identity` can be sent (1..255 UTF-8 bytes, no NUL). */
export function validIdentity(identity: string): boolean {
  const length = Buffer.byteLength(identity, 'utf8');
  return length >= 1 && length <= MAX_IDENTITY_BYTES && !identity.includes('\u0000');
}

/** The bytes of one message. */
export function encodeMessage(message: HandshakeMessage): Buffer {
  switch (message.type) {
    case 'challenge':
      return Buffer.concat([Buffer.from([TYPE.challenge, message.version]), message.serverNonce]);
    case 'response':
      return Buffer.concat([Buffer.from([TYPE.response]), message.clientNonce, message.proof, Buffer.from(message.identity, 'utf8')]);
    case 'accept':
      return Buffer.concat([Buffer.from([TYPE.accept]), message.proof]);
    case 'reject':
      return Buffer.concat([Buffer.from([TYPE.reject]), Buffer.from(message.reason, 'ascii')]);
  }
}

/** The message in `frame`, or null when it is malformed. */
export function decodeMessage(frame: Uint8Array): HandshakeMessage | null {
  const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (bytes[0]) {
    case TYPE.challenge:
      if (bytes.length !== 2 + NONCE_BYTES) return null;
      return { type: 'challenge', version: bytes[1] as number, serverNonce: Buffer.from(bytes.subarray(2)) };
    case TYPE.response: {
      const fixed = 1 + NONCE_BYTES + PROOF_BYTES;
      if (bytes.length <= fixed || bytes.length > fixed + MAX_IDENTITY_BYTES) return null;
      const identity = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      let text: string;
      try {
        text = identity.decode(bytes.subarray(fixed));
      } catch {
        return null;
      }
      if (!validIdentity(text)) return null;
      return {
        type: 'response', clientNonce: Buffer.from(bytes.subarray(1, 1 + NONCE_BYTES)),
        proof: Buffer.from(bytes.subarray(1 + NONCE_BYTES, fixed)), identity: text,
      };
    }
    case TYPE.accept:
      if (bytes.length !== 1 + PROOF_BYTES) return null;
      return { type: 'accept', proof: Buffer.from(bytes.subarray(1)) };
    case TYPE.reject: {
      const reason = bytes.subarray(1).toString('latin1');
      return (REASONS as readonly string[]).includes(reason) ? { type: 'reject', reason: reason as RejectReason } : null;
    }
    default:
      return null;
  }
}

function proof(label: string, secret: Uint8Array, serverNonce: Uint8Array, clientNonce: Uint8Array, identity: string): Buffer {
  return createHmac('sha256', secret).update(label).update(serverNonce).update(clientNonce)
    .update(Buffer.from(identity, 'utf8')).digest();
}

/** The client's proof of knowing `secret`. */
export function clientProof(secret: Uint8Array, serverNonce: Uint8Array, clientNonce: Uint8Array, identity: string): Buffer {
  return proof('torsion-feed-v1 client\u0000', secret, serverNonce, clientNonce, identity);
}

/** The server's proof of knowing `secret`. */
export function serverProof(secret: Uint8Array, serverNonce: Uint8Array, clientNonce: Uint8Array, identity: string): Buffer {
  return proof('torsion-feed-v1 server\u0000', secret, serverNonce, clientNonce, identity);
}
