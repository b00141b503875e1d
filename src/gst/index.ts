/**
 * `torsion/gst`: see ../../README.md and docs/ for what this layer provides; it grows with the
 * issues that build it.
 */
export {};
