import { z } from "zod";

/**
 * A date and time a client may send: RFC 3339 with an offset, within years the database can
 * store and a calendar can mean (year 0 passed the format check and failed in PostgreSQL: a 500).
 */
export const apiDateTime = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1900 && year <= 9999;
  }, "must be a date and time between the years 1900 and 9999, such as 2026-12-02T09:00:00Z");
