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
export { HttpError, HttpBadRequest, HttpHeadTooLarge } from './http/errors';
export { HttpRequestHeadReader, type HttpRequestHead, type HttpHeadResult, type HttpRequestHeadReaderOptions } from './http/request-head';
export { formatResponseHead, streamResponseHead, simpleResponse, type HttpHeaders } from './http/response-head';
export {
  HttpHandoffProtocol, HttpHandoffFactory, keycardFor, type HttpMount, type HandoffRequest, type HttpHandoffOptions,
  type HttpPlainResponse,
} from './http/handoff';
export { UsernamePasswordKeycard, HmacTokenKeycard, AddressKeycard, type Keycard } from './auth/keycards';
export { addressKey, type AuthResult, type Bouncer } from './auth/bouncer';
export { constantTimeEqual } from './auth/constant-time';
export { anchoredClock, type WallClock } from './auth/wall-clock';
export { DEFAULT_SCRYPT_PARAMS, scryptDeferred, checkScryptParams, type ScryptParams } from './auth/scrypt';
export {
  hashPassword, verifyPassword, parsePasswordFile, parsePasswordLine, formatPasswordLine, usernameProblem,
  type PasswordEntry, type ParsedPasswordFile, type HashPasswordOptions,
} from './auth/password-file';
export { PasswordFileBouncer, type PasswordFileLoad } from './auth/password-file-bouncer';
export { mintToken, decodeToken, verifyTokenSignature, pathInScope, secretBytes, type TokenClaims } from './auth/token';
export { HmacTokenBouncer, type HmacTokenBouncerOptions } from './auth/token-bouncer';
export { parseIp, parseCidr, CidrList, type CidrRange } from './auth/cidr';
export { AddressBouncer, type AddressBouncerOptions } from './auth/address-bouncer';
export { BouncerChain, type BouncerChainMode } from './auth/bouncer-chain';
export { FailureRateLimiter, RateLimitedBouncer, type RateLimiterOptions } from './auth/rate-limiter';
export { AuthDeadline } from './auth/deadline';
export {
  encodeMessage, decodeMessage, clientProof, serverProof, validIdentity, NONCE_BYTES, PROOF_BYTES, HANDSHAKE_VERSION,
  type HandshakeMessage, type RejectReason,
} from './challenge/messages';
export { NonceCache, type NonceCacheOptions } from './challenge/nonce-cache';
export { ChallengeServer, type ChallengeServerOptions, type ChallengeServerState, type SecretSource } from './challenge/challenge-server';
export { ChallengeClient, type ChallengeClientOptions, type ChallengeClientState } from './challenge/challenge-client';
export {
  HandshakeProtocol, ChallengeServerProtocol, ChallengeClientProtocol, type HandshakeResult, type HandshakeTimeOptions,
  type ChallengeServerProtocolOptions, type ChallengeClientProtocolOptions,
} from './challenge/challenge-protocol';
export {
  PorterError, PorterPassFailed, RequestLineTooLong, RequestLineReader, targetPath, RouteTable, PrefixReplayFactory,
  PrefixReplayProtocol, PorterProtocol, PorterFactory, StreamerProcess, Porter, PorterClient,
  type RequestLine, type PorterRoute, type PorterRouter, type PorterProtocolOptions, type StreamerSpec, type StreamerState,
  type PorterOptions, type PorterClientOptions, type PorterChannel, type ReadyMessage, type StoppingMessage, type PassMessage,
  type PorterMessage,
} from './porter/index';
