import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { z } from 'zod';
import { ProblemSchema } from './schemas';
import { ROUTE_SPEC, type RouteSpec } from './route.decorator';

export interface DescribedRoute {
  method: string;
  path: string;
  handler: string;
  controller: string;
  spec: RouteSpec | undefined;
}

/** Every HTTP route of the given controllers, with its spec (undefined when it has none). */
export function describeRoutes(controllers: Type[]): DescribedRoute[] {
  const out: DescribedRoute[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const fn = proto[name];
      if (typeof fn !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const full = '/' + [base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
      out.push({ method: RequestMethod[method]!, path: full, handler: name, controller: controller.name, spec: Reflect.getMetadata(ROUTE_SPEC, fn) as RouteSpec | undefined });
    }
  }
  return out;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const ERRORS: Record<string, string> = {
  '400': 'Invalid input (validation-failed, invalid-json)',
  '401': 'Missing or invalid credentials (unauthenticated)',
  '403': 'The caller lacks the role (forbidden)',
  '413': 'Body too large (payload-too-large)',
  '429': 'Rate limit exceeded (rate-limited); see Retry-After',
  '503': 'A backend service is unavailable',
};

/** OpenAPI 3.1 built from the same route specs the edge enforces: the document cannot drift. */
export function buildOpenApi(controllers: Type[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of describeRoutes(controllers)) {
    const spec = route.spec;
    if (!spec || spec.tags.includes('docs')) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    const status = String(spec.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: spec.response ? { description: 'OK', content: { [spec.produces ?? 'application/json']: { schema: jsonSchema(spec.response, 'output') } } } : { description: 'OK' },
    };
    for (const [code, description] of Object.entries(ERRORS)) {
      if (spec.access === 'public' && (code === '401' || code === '403')) continue;
      responses[code] = { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: `${route.controller.replace(/Controller$/, '')}.${route.handler}`,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      ...(spec.access === 'public' ? { security: [] } : { 'x-lazaret-roles': spec.access }),
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      ...(spec.consumes ? { requestBody: { required: true, content: Object.fromEntries(spec.consumes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Lazaret API', version, description: 'Container security across build, ship and runtime. Errors are application/problem+json with a stable `code`.' },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key or an OIDC access token (JWT)' },
      },
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
    },
    paths,
  };
}
