import { z } from "zod";

/** The one error shape every 4xx/5xx reply has. */
export const errorReply = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string().meta({ example: "body/missed: Invalid input: expected boolean, received string" }),
    }),
  })
  .meta({ id: "Error" });

export type ErrorReply = z.infer<typeof errorReply>;

export function errorBody(code: string, message: string): ErrorReply {
  return { error: { code, message } };
}
