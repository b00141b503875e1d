/**
 * `torsion`: everything public. Importing it never loads node-gtk; the native module is loaded
 * when a GLib reactor or a GStreamer object is first created.
 */
export * from './errors';
export * from './log';
export * from './defer/index';
export * from './gdp/index';
export * from './reactor/index';
export * from './protocols/index';
// The base classes of torsion/protocols win over the same-named interfaces of torsion/reactor (which
// they implement); the interfaces stay available from 'torsion/reactor'.
export { Protocol, Factory, ClientFactory, ProcessProtocol } from './protocols/index';
export * from './testing/index';
export * from './gst/index';
export * from './components/index';
