import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Actor, CommandContext } from '../tenancy/context';
import { inRetryingTransaction } from '../db/transaction';
import { AppError } from '../errors';
import { AdminDeps } from './deps';

/** Wraps an async route so rejections reach the error handler (Express 4 does not await handlers). */
export function route(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** The authenticated actor that the auth middleware put on the request. */
export function actorOf(req: Request): Actor {
  const actor = req.user as Actor | undefined;
  if (!actor) throw new AppError('unauthorized', 'Missing or invalid API key');
  return actor;
}

/**
 * Opens the transaction at the edge and runs one command in it with the request's actor;
 * a transaction PostgreSQL aborts to break a deadlock is run again (src/db/transaction.ts).
 */
export function runCommand<T>(deps: AdminDeps, req: Request, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const actor = actorOf(req);
  return inRetryingTransaction(deps.dataSource, (manager) => fn({ manager, actor }));
}
