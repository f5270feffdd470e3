import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from "@prisma/driver-adapter-utils";
import { createPrismaClient, type Database } from "../../src/platform/db/client.js";
import { oneQueryAtATimeInTransactions } from "../../src/platform/db/serial-transactions.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { seedUserWithMeetings } from "../support/seed.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const EMPTY: SqlResultSet = { columnTypes: [], columnNames: [], rows: [] };

/** A transaction that records how many of its queries run at once, and fails the query "boom". */
function recordingFactory(log: { inFlight: number; most: number; order: string[] }): SqlDriverAdapterFactory {
  const transaction = {
    provider: "postgres",
    adapterName: "recording",
    options: { usePhantomQuery: false },
    async queryRaw(query: SqlQuery) {
      log.inFlight += 1;
      log.most = Math.max(log.most, log.inFlight);
      await sleep(query.sql === "slow" ? 30 : 5);
      log.inFlight -= 1;
      log.order.push(query.sql);
      if (query.sql === "boom") throw new Error("boom");
      return EMPTY;
    },
    async executeRaw() {
      return 0;
    },
    async commit() {
      log.order.push("commit");
    },
    async rollback() {},
  } as unknown as Transaction;
  const adapter = { provider: "postgres", adapterName: "recording", startTransaction: async () => transaction, executeScript: async () => undefined, queryRaw: transaction.queryRaw, executeRaw: transaction.executeRaw, dispose: async () => undefined };
  return { provider: "postgres", adapterName: "recording", connect: async () => adapter } as unknown as SqlDriverAdapterFactory;
}

const query = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] }) as unknown as SqlQuery;

describe("one query at a time inside a transaction", () => {
  it("queues a transaction's concurrent queries in the order they were issued; a failure does not stop the rest", async () => {
    const log = { inFlight: 0, most: 0, order: [] as string[] };
    const adapter = await oneQueryAtATimeInTransactions(recordingFactory(log)).connect();
    const transaction = await adapter.startTransaction();
    const results = await Promise.allSettled([transaction.queryRaw(query("slow")), transaction.queryRaw(query("boom")), transaction.queryRaw(query("fast"))]);
    await transaction.commit();
    expect(log.most).toBe(1);
    expect(log.order).toEqual(["slow", "boom", "fast", "commit"]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(transaction.options).toEqual({ usePhantomQuery: false });
  });

  describe("with Prisma over node-postgres", () => {
    let database: TestDatabase;
    let db: Database;
    const original = pg.Client.prototype.query;
    let overlaps = 0;

    beforeAll(async () => {
      database = await createTestDatabase();
      db = createPrismaClient(database.url);
      // Counts a query started on a pg client that is still running another: what pg 9 refuses.
      const running = new WeakMap<object, number>();
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const now = running.get(this) ?? 0;
        if (now > 0) overlaps += 1;
        running.set(this, now + 1);
        const result = (original as (...a: unknown[]) => unknown).apply(this, args);
        const done = () => running.set(this, (running.get(this) ?? 1) - 1);
        if (result instanceof Promise) result.then(done, done);
        else done();
        return result;
      } as typeof original;
    });
    afterAll(async () => {
      pg.Client.prototype.query = original;
      await db?.$disconnect();
      await database?.drop();
    });

    it("an include of several relations inside $transaction never runs two queries on its connection at once", async () => {
      const { userId } = await seedUserWithMeetings(db, { meetings: [{ title: "One", start: new Date("2026-12-01T10:00:00Z"), end: new Date("2026-12-01T10:30:00Z") }] });
      overlaps = 0;
      const user = await db.$transaction((tx) => tx.user.update({ where: { id: userId }, data: { name: "Pat" }, include: { settings: true, connections: true, meetings: true, alerts: true } }));
      expect(user).toMatchObject({ name: "Pat", settings: { timeZone: "Europe/Berlin" }, meetings: [{ title: "One" }], alerts: [] });
      expect(user.connections).toHaveLength(1);
      expect(overlaps).toBe(0);
    });
  });
});
