/**
 * What transports, ports and connectors need from their reactor: its time (timeouts, next-turn
 * calls) and the shutdown registry. Tests: test/conformance/.
 */
import type { ReactorTime } from '../../defer/time';
import type { Closeable } from '../reactor-base';

export interface TransportHost extends ReactorTime {
  /** Registers something shutdown must close; returns the function that forgets it. */
  track(closeable: Closeable): () => void;
}
