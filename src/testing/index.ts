/**
 * `torsion/testing`: deterministic doubles shipped with the library (Twisted's `Clock`,
 * `MemoryReactor`, `StringTransport`, `iosim`). Never loads node-gtk.
 */
export { Clock } from './clock';
