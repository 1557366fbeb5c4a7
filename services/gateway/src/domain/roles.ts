export const ROLES = ['admin', 'secops', 'developer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Shorthands for route decisions, so each route says plainly who may call it. */
export const ANY_ROLE: readonly Role[] = ROLES;
export const ADMIN_ONLY: readonly Role[] = ['admin'];
export const AUDIT_READERS: readonly Role[] = ['admin', 'auditor'];
export const IMAGE_WRITERS: readonly Role[] = ['admin', 'secops', 'developer'];
export const IMAGE_READERS: readonly Role[] = ['admin', 'secops', 'developer', 'auditor'];
