/**
 * The errors of the components layer: a bad server configuration (naming the field at fault), a
 * bad `torsion launch` line, and a component that cannot be wired or started.
 * Tests: test/components/config.test.ts, test/components/launch-line.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../errors';

/** A component graph that cannot be built or started (unknown feed, duplicate name, no source). */
export class ComponentError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_COMPONENT';
  constructor(message: string, options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** A server configuration value that is missing, of the wrong type or out of range; `field` names it (`mounts[1].path`). */
export class ConfigError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CONFIG';
  constructor(readonly field: string, message: string, options?: TorsionErrorOptions) {
    super(`${field}: ${message}`, options);
  }
}

/** A `torsion launch` line that does not parse (unknown component, bad property, empty chain). */
export class LaunchLineError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_LAUNCH_LINE';
  constructor(message: string, options?: TorsionErrorOptions) {
    super(message, options);
  }
}
