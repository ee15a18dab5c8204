import { DeliveryDispatcher } from './deliveries/DeliveryDispatcher';
import { KnobsState } from './knobs';
import { EmulatorState } from './state/EmulatorState';

/** What route modules get: the data, the hook dispatcher and the knobs. */
export interface RouteContext {
  state: EmulatorState;
  dispatcher: DeliveryDispatcher;
  knobs: KnobsState;
}
