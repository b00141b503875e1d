/**
 * `torsion/protocols`: what Flumotion built on Twisted — the `Protocol`/`Factory` base classes,
 * reconnecting clients, framing receivers (lines, netstrings, length-prefixed strings),
 * authentication (keycards, bouncers, rate limiting, auth deadlines) and the challenge–response
 * handshake for feeds. Guide: docs/protocols.md. Tests: test/protocols/.
 */
export {
  NetstringParseError, StringTooLongError, ProtocolUsageError, AuthConfigError, AuthError, AuthMissingCredentials,
  AuthWrongCredentials, AuthUnsupportedKeycard, AuthExpired, AuthOutOfScope, AuthDenied, AuthRateLimited,
  AuthDeadlineExceeded, ChallengeReplayed, ChallengeProtocolError, ChallengeServerUnverified, PasswordFileError,
} from './errors';
export { Protocol, requireTransport } from './protocol';
export { ProcessProtocol } from './process-protocol';
export { Factory, ClientFactory, type ProtocolClass, type ProtocolBuilder } from './factory';
export { ReconnectingClientFactory, type ReconnectingOptions } from './reconnecting-client-factory';
export { seededRandom, systemRandom, normalSample, type RandomSource } from './random';
export { LineReceiver } from './line-receiver';
export { NetstringReceiver, formatNetstring } from './netstring-receiver';
export { IntNStringReceiver, Int8StringReceiver, Int16StringReceiver, Int32StringReceiver } from './int-string-receiver';
