import { z } from 'zod';
import { defineRequest } from '../common/request';
import { BACKEND_SERVICES, type BackendService } from '../common/topology';

export const HealthCheckSchema = z.strictObject({
  name: z.string(),
  status: z.enum(['up', 'down']),
  detail: z.string().optional(),
});

export const HealthResponseSchema = z.strictObject({
  service: z.string(),
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  instance: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  checks: z.array(HealthCheckSchema),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

export const HealthRequestSchema = z.strictObject({});

function healthOf(service: BackendService) {
  return defineRequest({ subject: `lazaret.${service}.health.v1`, request: HealthRequestSchema, response: HealthResponseSchema });
}

/** `lazaret.<service>.health.v1`, answered by every backend service. */
export const HealthRequests = Object.fromEntries(BACKEND_SERVICES.map((s) => [s, healthOf(s)])) as Record<
  BackendService,
  ReturnType<typeof healthOf>
>;
