/**
 * One error class for everything that stops the launcher with a message the user can act on.
 * `code` says which step failed; main.mjs prints `message` as one line and exits with
 * `exitCode` (2 for a bad command line, 1 otherwise).
 *
 * Codes: usage | config | build-failed | no-services | port-in-use | nats-missing | nats-failed |
 *        postgres-failed | service-config
 */
export class LauncherError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'LauncherError';
    this.code = code;
  }

  get exitCode() {
    return this.code === 'usage' ? 2 : 1;
  }
}
