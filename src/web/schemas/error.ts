import { z } from "zod";

/** The one error shape every 4xx/5xx reply has. */
export const errorReply = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string().meta({ example: "Grace minutes must be a whole number from 0 to 60." }),
      field: z.string().optional().describe("the (first) field the message is about, dotted for nested fields: lateGraceMinutes, workingHours.end").meta({ example: "lateGraceMinutes" }),
      issues: z
        .array(z.object({ field: z.string(), message: z.string() }))
        .optional()
        .describe("validation failures: one sentence per field, for a form to show each next to its field"),
    }),
  })
  .meta({ id: "Error" });

export type ErrorReply = z.infer<typeof errorReply>;

export function errorBody(code: string, message: string, extra: { field?: string; issues?: { field: string; message: string }[] } = {}): ErrorReply {
  return { error: { code, message, ...extra } };
}
