/**
 * `torsion`: everything public. Importing it never loads node-gtk; the native module is loaded
 * when a GLib reactor or a GStreamer object is first created.
 */
export * from './errors';
export * from './defer/index';
export * from './gdp/index';
export * from './reactor/index';
export * from './testing/index';
export * from './gst/index';
