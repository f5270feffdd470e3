import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

/**
 * Prisma's query interpreter loads the relations of one `include` with Promise.all. Outside a
 * transaction each query takes its own pooled connection; inside one they all land on the
 * transaction's single pg client at once, which pg 8.19+ deprecates (its implicit query queue;
 * an error in pg 9: prisma/orm#29468, still open). This wrapper queues a transaction's calls
 * itself, so the client only ever runs one query at a time, in the order Prisma issued them.
 */
export function oneQueryAtATimeInTransactions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      return withSerialTransactions(await factory.connect());
    },
  };
}

function withSerialTransactions(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === "startTransaction") {
        return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) => serialised(await target.startTransaction(...args));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The calls that reach the connection; everything else (options, names) is read as is. */
const QUEUED = new Set<PropertyKey>(["queryRaw", "executeRaw", "commit", "rollback", "createSavepoint", "rollbackToSavepoint", "releaseSavepoint"]);

function serialised(transaction: Transaction): Transaction {
  let tail: Promise<unknown> = Promise.resolve();
  return new Proxy(transaction, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (!QUEUED.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const run = tail.then(() => value.apply(target, args) as Promise<unknown>);
        // A failed query must not stop the ones queued behind it; its caller gets the error.
        tail = run.catch(() => undefined);
        return run;
      };
    },
  });
}
