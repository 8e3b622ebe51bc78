import { z } from "zod";
import { ACCESS_AREAS, ACCESS_LEVELS, ACCESS_ROLES, MEMBER_PATTERN } from "./grants";

const level = z.enum(ACCESS_LEVELS);
const grants = z.object(Object.fromEntries(ACCESS_AREAS.map((a) => [a, level])) as Record<(typeof ACCESS_AREAS)[number], typeof level>).strict();

/** The `access` section: seed 002's table as data, the same shape in every environment. */
export const accessSchema = z
  .object({
    roles: z
      .partialRecord(z.enum(ACCESS_ROLES), z.object({ members: z.array(z.string().regex(MEMBER_PATTERN, "must be group:, user: or serviceAccount: followed by an e-mail address")), grants }).strict())
      .refine((r) => Object.keys(r).length > 0, "at least one role is required"),
  })
  .strict();

export type AccessConfig = z.output<typeof accessSchema>;
