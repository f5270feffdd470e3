import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "./generated/client.js";
import { oneQueryAtATimeInTransactions } from "./serial-transactions.js";

export type Database = PrismaClient;
export { Prisma };

/**
 * Prisma's defaults (2 s to get a connection, 5 s for the whole interactive transaction) turn a
 * busy minute on a small machine into a 500; a transaction here waits for the pool rather
 * than failing, and is cut only when it is clearly stuck.
 */
const TRANSACTION_DEFAULTS = { maxWait: 15_000, timeout: 30_000 } as const;

/** Prisma over node-postgres: no query-engine binary to download. */
export function createPrismaClient(databaseUrl: string, options: { maxConnections?: number } = {}): PrismaClient {
  const adapter = oneQueryAtATimeInTransactions(new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 }));
  return new PrismaClient({ adapter, transactionOptions: TRANSACTION_DEFAULTS });
}

/**
 * Runs a transaction again when PostgreSQL chose it as a deadlock victim or a write conflict
 * aborted it (Prisma P2034): both say "try again", and the work is all-or-nothing.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function isConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2034") return true;
  // Raw queries and the driver adapter report the SQLSTATE in the message or cause.
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : "";
  return /\b(40P01|40001)\b|deadlock detected|could not serialize/.test(text);
}
