/** The box printed once everything is ready. Pure: the tests read it back. */
/**
 * maxWidth: the terminal's width, when known. A closed box wider than that would wrap into a
 * mess, so it is drawn open on the right instead (the key and the CLI line stay copyable).
 */
export function renderSummary({ apiBase, adminKey, adminKeySource, nats, postgres, skipped = [], notReady = [], cliHint, maxWidth = Infinity }) {
  const rows = [
    'Lazaret is running.',
    '',
    `API        ${apiBase}/api/v1`,
    `API docs   ${apiBase}/api/docs`,
    `Admin key  ${adminKey}`,
    adminKeySource === 'env' ? '           (from LAZARET_ADMIN_KEY)' : '           (new for this run; never written to disk)',
    `CLI        ${cliHint}`,
    '',
    `NATS       ${nats}`,
    `Postgres   ${postgres}`,
  ];
  if (skipped.length) rows.push('', `Not started (not built): ${skipped.join(', ')}`);
  if (notReady.length) rows.push('', `Not ready yet: ${notReady.join(', ')}`);
  rows.push('', 'Press Ctrl-C to stop.');
  const width = Math.max(...rows.map((r) => r.length));
  if (width + 4 > maxWidth) {
    const rule = '─'.repeat(Math.max(10, maxWidth - 1));
    return [`┌${rule}`, ...rows.map((r) => `│ ${r}`), `└${rule}`].join('\n');
  }
  const line = '─'.repeat(width + 2);
  return [`┌${line}┐`, ...rows.map((r) => `│ ${r.padEnd(width)} │`), `└${line}┘`].join('\n');
}

/** The CLI's --url is the API base (default http://127.0.0.1:8080/api/v1): only given when it differs. */
export function cliHint(apiBase, adminKey, defaultBase) {
  return apiBase === defaultBase ? `npx lazaret status --api-key ${adminKey}` : `npx lazaret status --url ${apiBase}/api/v1 --api-key ${adminKey}`;
}
