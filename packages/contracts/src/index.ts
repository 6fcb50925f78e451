export * from './enums.ts';
export * from './auth.ts';
export * from './cases.ts';
export * from './realtime.ts';
export * from './errors.ts';
export * from './console.ts';
export * from './channels.ts';
export * from './workspace.ts';
