/**
 * Types, constants and permissions shared by the Azure DevOps sync plugins.
 *
 * @packageDocumentation
 */
export * from './constants';
export * from './permissions';
export * from './trends';
export * from './types';
