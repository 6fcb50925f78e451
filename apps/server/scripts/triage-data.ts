/** The triage data loaders live with the module (the workspace retraining job reads them too). */
export * from '../src/modules/triage/triage.data.ts';
