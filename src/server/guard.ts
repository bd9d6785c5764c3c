// One place where a provider's exception becomes a logged ResponseError, so
// a bug in one feature never takes the server down or goes unseen.

import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export type Guard = <P, R>(
  name: string,
  handler: (params: P) => R | Promise<R>,
) => (params: P) => Promise<R | ResponseError<void>>;

export function makeGuard(connection: Connection): Guard {
  return (name, handler) => async (params) => {
    try {
      return await handler(params);
    } catch (err) {
      connection.console.error(`${name} failed: ${describe(err)}`);
      return new ResponseError(
        ErrorCodes.InternalError,
        `${name} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
}

/** For notifications: there is no response, so the error is only logged. */
export function guardNotification<P>(
  connection: Connection,
  name: string,
  handler: (params: P) => void | Promise<void>,
): (params: P) => void {
  return (params) => {
    Promise.resolve()
      .then(() => handler(params))
      .catch((err: unknown) => connection.console.error(`${name} failed: ${describe(err)}`));
  };
}
