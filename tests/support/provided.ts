/**
 * What the global setup hands to test files through vitest's provide/inject: the one
 * PostgreSQL server of this test run.
 */
export interface TestPostgres {
  /** superuser URL of the server's `postgres` database */
  adminUrl: string;
  /** a database migrated by migrateDatabase, cloned for each test database */
  templateDatabase: string;
  /** pg_dump of the same PostgreSQL version, when installed (Debian's package has it) */
  pgDump?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}
