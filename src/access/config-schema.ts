import { z } from "zod";
import { ACCESS_AREAS, ACCESS_LEVELS, ACCESS_ROLES, MEMBER_PATTERN } from "./grants";

const level = z.enum(ACCESS_LEVELS);
/** Every area needs a level: "none" is written, never implied, so the table reads the same in every environment. */
const grants = z.object(Object.fromEntries(ACCESS_AREAS.map((a) => [a, level])) as Record<(typeof ACCESS_AREAS)[number], typeof level>).strict();
const member = z.string().regex(MEMBER_PATTERN, "must be group:, user: or serviceAccount: followed by an e-mail address");

/**
 * The `access` section: seed 002's table as data, the same shape in every cloud environment. Roles are the
 * seed's closed set (a typo is an error, not a silently empty row); a role may be left out or have no members.
 */
export const accessSchema = z
  .object({
    roles: z
      .partialRecord(
        z.enum(ACCESS_ROLES),
        z
          .object({
            members: z.array(member).refine((m) => new Set(m).size === m.length, "must not list a member twice"),
            grants,
          })
          .strict(),
      )
      .refine((r) => Object.keys(r).length > 0, "at least one role is required"),
  })
  .strict();

export type AccessConfig = z.output<typeof accessSchema>;
