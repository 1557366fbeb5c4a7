/**
 * Everything the launcher prints goes through here: one line at a time, each with a padded
 * `[name]` tag, coloured only on a terminal. The services log JSON lines (pino); on a terminal
 * they are shown as `LEVEL message key=value ...` unless LAZARET_LOG_FORMAT=json.
 */

const ESC = '\u001b[';
const paint = (code) => (text) => `${ESC}${code}m${text}${ESC}0m`;
const COLOURS = { red: paint(31), green: paint(32), yellow: paint(33), blue: paint(34), magenta: paint(35), cyan: paint(36), grey: paint(90), bold: paint(1) };
const TAG_COLOURS = ['cyan', 'magenta', 'yellow', 'green', 'blue'];
const LEVEL_COLOURS = { fatal: 'red', error: 'red', warn: 'yellow', info: 'green', debug: 'grey', trace: 'grey' };
/** pino's numeric levels, in case a service logs them unformatted. */
const LEVEL_NAMES = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** Fields every line has, or that the tag already shows. */
const QUIET_FIELDS = new Set(['level', 'time', 'msg', 'message', 'service', 'pid', 'hostname', 'name', 'err']);

export const TAG_WIDTH = 'correlation'.length + 2;

/**
 * Pretty form of one pino JSON line, or undefined when the line is not one (then it is shown
 * as it is).
 */
export function prettyLogLine(line, colour = false) {
  if (!line.startsWith('{')) return undefined;
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const levelName = typeof record.level === 'number' ? LEVEL_NAMES[record.level] ?? String(record.level) : String(record.level ?? 'info');
  const levelText = levelName.toUpperCase().padEnd(5);
  const level = colour && LEVEL_COLOURS[levelName] ? COLOURS[LEVEL_COLOURS[levelName]](levelText) : levelText;
  const parts = [level, String(record.msg ?? record.message ?? '')];
  const extras = Object.entries(record)
    .filter(([key]) => !QUIET_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  if (extras.length) parts.push(colour ? COLOURS.grey(extras.join(' ')) : extras.join(' '));
  const lines = [parts.filter(Boolean).join(' ')];
  const err = record.err;
  if (err && typeof err === 'object') {
    const stack = typeof err.stack === 'string' ? err.stack : `${err.type ?? 'Error'}: ${err.message ?? JSON.stringify(err)}`;
    lines.push(...stack.split('\n').map((l) => `  ${l}`));
  }
  return lines;
}

export class Output {
  #colours = new Map();
  #next = 0;

  /**
   * stream: where lines go; errStream: where the launcher's own errors go.
   * colour: ANSI colours; pretty: reformat JSON log lines.
   */
  constructor({ stream = process.stdout, errStream = process.stderr, colour = false, pretty = false } = {}) {
    this.stream = stream;
    this.errStream = errStream;
    this.colour = colour;
    this.pretty = pretty;
  }

  /** Terminal-aware defaults: colours and pretty logs only when stdout is a TTY. */
  static forProcess(env = process.env) {
    const tty = Boolean(process.stdout.isTTY);
    return new Output({ colour: tty && !env.NO_COLOR && env.TERM !== 'dumb', pretty: tty && env.LAZARET_LOG_FORMAT !== 'json' });
  }

  tag(name) {
    const text = `[${name}]`.padEnd(TAG_WIDTH);
    if (!this.colour) return text;
    if (name === 'launcher') return COLOURS.bold(text);
    if (!this.#colours.has(name)) this.#colours.set(name, TAG_COLOURS[this.#next++ % TAG_COLOURS.length]);
    return COLOURS[this.#colours.get(name)](text);
  }

  /** One line of a child's output. */
  child(name, line) {
    const pretty = this.pretty ? prettyLogLine(line, this.colour) : undefined;
    for (const l of pretty ?? [line]) this.stream.write(`${this.tag(name)} ${l}\n`);
  }

  info(text) {
    this.stream.write(`${this.tag('launcher')} ${text}\n`);
  }

  warn(text) {
    this.stream.write(`${this.tag('launcher')} ${this.colour ? COLOURS.yellow(`warning: ${text}`) : `warning: ${text}`}\n`);
  }

  error(text) {
    this.errStream.write(`${this.tag('launcher')} ${this.colour ? COLOURS.red(text) : text}\n`);
  }

  /** A block printed without tags (the summary box). */
  block(text) {
    this.stream.write(`${text}\n`);
  }

  emphasis(text) {
    return this.colour ? COLOURS.bold(text) : text;
  }
}
