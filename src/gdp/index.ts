/**
 * `torsion/gdp`: a byte-exact GStreamer Data Protocol codec in pure TypeScript (no I/O, no
 * node-gtk). See docs/gdp.md. Tests: test/gdp/index.test.ts.
 */
export {
  GST_NONE, GDP_HEADER_LENGTH, GDP_FLAG_CRC_HEADER, GDP_FLAG_CRC_PAYLOAD, GDP_PAYLOAD_BUFFER, GDP_PAYLOAD_CAPS,
  GDP_PAYLOAD_EVENT_BASE, GDP_BUFFER_FLAGS_MASK, GST_BUFFER_FLAG_NAMES, GST_BUFFER_FLAG_LIVE, GST_BUFFER_FLAG_DISCONT,
  GST_BUFFER_FLAG_HEADER, GST_BUFFER_FLAG_GAP, GST_BUFFER_FLAG_DELTA_UNIT, bufferFlagNames,
  type GdpPacket, type GdpBufferPacket, type GdpCapsPacket, type GdpEventPacket,
} from './packet';
export {
  GdpError, GdpHeaderCrcError, GdpPayloadCrcError, GdpVersionError, GdpHeaderError, GdpPayloadTypeError,
  GdpPayloadTooLargeError, GdpPayloadError, GdpBufferBeforeCapsError, GdpTruncatedError, GdpDecoderFailedError,
  GdpEncodeError, GdpOptionError, GdpParseError, type GdpErrorOptions,
} from './errors';
export { crc16 } from './crc16';
export { readGdpHeader, checkGdpHeader, writeGdpHeader, type GdpHeader, type GdpHeaderFields, type GdpHeaderCheckOptions } from './header';
export { GdpDecoder, DEFAULT_MAX_PAYLOAD_BYTES, type GdpDecoderOptions } from './decoder';
export { encodeGdpPacket, encodeGdpPacketBytes, crcOptionsFromFlags, type GdpEncodeOptions } from './encoder';
export {
  gstStructure, getField, simpleValue, gstValueEquals, gstStructureEquals, gstCapsEquals, CAPS_FEATURE_MEMORY_SYSTEM_MEMORY,
  type GstValue, type GstStructure, type GstCaps, type GstCapsEntry, type GstCapsFeatures,
} from './gst-value';
export { parseStructure, parseCaps, parseValue } from './structure-parser';
export { printStructure, printCaps, printFieldValue } from './structure-printer';
export { formatDouble } from './gst-text';
export {
  GstEventType, gstEventTypeName, isStickyEventType, isStickyMultiEventType, GST_EVENT_TYPE_UPSTREAM,
  GST_EVENT_TYPE_DOWNSTREAM, GST_EVENT_TYPE_SERIALIZED, GST_EVENT_TYPE_STICKY, GST_EVENT_TYPE_STICKY_MULTI,
} from './event-types';
export { GdpStreamState, streamheaderBuffers } from './stream-state';
