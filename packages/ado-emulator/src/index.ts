/**
 * A local stand-in for the part of the Azure DevOps REST API (7.1) the sync
 * plugin uses, with real service hook deliveries.
 *
 * @packageDocumentation
 */

export { createEmulator } from './createEmulator';
export type {
  Emulator,
  EmulatorOptions,
  RunningEmulator,
} from './createEmulator';
export { generateSeed } from './seed/generateSeed';
export type { GenerateSeedOptions } from './seed/generateSeed';
export { demoSeed, loadSeed } from './seed/demoSeed';
export {
  inheritedProcess,
  systemProcess,
  SYSTEM_PROCESS_IDS,
} from './seed/processTemplates';
export { parseWiql, WiqlSyntaxError } from './wiql/parser';
export type { WiqlExpr, WiqlQuery, WiqlValue } from './wiql/parser';
export type { EmulatorState, WorkItemChange } from './state/EmulatorState';
export type { DeliveryRecord } from './deliveries/DeliveryDispatcher';
export type { Knobs, ThrottleKnob, FailKnob } from './knobs';
export * from './types';
