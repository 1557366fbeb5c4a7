import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { DomainError } from '@lazaret/platform';
import { z } from 'zod';
import { Route } from './route.decorator';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lazaret API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#ui', persistAuthorization: false });`;

/** The OpenAPI document and a Swagger UI served from the installed swagger-ui-dist (no CDN). */
@Controller('api')
export class DocsController {
  private static document: Record<string, unknown> = {};
  private readonly assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));

  static setDocument(doc: Record<string, unknown>): void {
    DocsController.document = doc;
  }

  @Get('docs-json')
  @Route({ summary: 'OpenAPI 3.1 document', tags: ['docs'], access: 'public' })
  json() {
    return DocsController.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Route({ summary: 'API documentation (Swagger UI)', tags: ['docs'], access: 'public', produces: 'text/html' })
  page() {
    return PAGE;
  }

  @Get('docs/assets/:file')
  @Route({ summary: 'Swagger UI assets', tags: ['docs'], access: 'public', params: z.strictObject({ file: z.string().max(64) }) })
  asset(@Param('file') file: string, @Res() reply: { header(k: string, v: string): { send(body: string): void } }) {
    if (file === 'init.js') return reply.header('content-type', 'application/javascript; charset=utf-8').send(INIT);
    const type = ASSETS[file];
    if (!type) throw new DomainError('not-found', 'no such asset');
    reply.header('content-type', type).send(readFileSync(join(this.assetDir, file), 'utf8'));
  }
}
