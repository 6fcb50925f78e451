/** The desk's version, as `guichet --version`, `/healthz` and the about screen show it. */
export const VERSION = '0.1.0';
