/**
 * Types, constants and permissions shared by the Azure DevOps sync plugins.
 *
 * @packageDocumentation
 */
export * from './boards';
export * from './constants';
export * from './organizationSelection';
export * from './permissions';
export * from './sdkKeys';
export * from './trends';
export * from './types';
