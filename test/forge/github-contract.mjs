// @ts-check
// GitHub's published REST description (api.github.com.json from @octokit/openapi, fetched by
// setup-github-openapi.sh) as the contract the fake GitHub holds both sides to: which operation a request is, whether
// GitHub would accept it, and whether the fake's answer is what GitHub documents. The 13 MB description is cut down to
// the operations the fake serves and the components they reach before openapi-backend dereferences it, and the
// validators are compiled per operation on first use, so start-up stays under a second; once per process.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { OpenAPIBackend, OpenAPIValidator, ValidationContext } from 'openapi-backend';

/** The @octokit/openapi version setup-github-openapi.sh pins. */
export const OPENAPI_VERSION = '23.0.2';

/** GitHub's operationIds the fake answers; every other operation is a 404 and a violation. */
export const SERVED = [
  'repos/get', 'repos/get-branch', 'pulls/list', 'pulls/create', 'pulls/get', 'pulls/update', 'pulls/list-reviews',
  'pulls/create-review', 'pulls/merge', 'checks/list-for-ref', 'checks/create', 'repos/get-combined-status-for-ref',
  'issues/create-comment', 'git/delete-ref',
];

/** The cached description; throws, naming the script to run, if it is not fetched yet. */
export function descriptionFile() {
  const cache = process.env.HOTFIX_CACHE || path.join(homedir(), '.cache', 'hotfix-deployer');
  const file = path.join(cache, `openapi-github-${OPENAPI_VERSION}`, 'api.github.com.json');
  if (!existsSync(file)) throw new Error(`GitHub's OpenAPI description is not fetched: run bash test/forge/setup-github-openapi.sh (once per machine, a 28 MB download)`);
  return file;
}

/**
 * @typedef {{ method: string, path: string, query: Record<string, string | string[]>, headers: Record<string, string>, body: unknown }} ForgeRequest
 * @typedef {import('ajv').ErrorObject} AjvError
 * @typedef {{
 *   match(method: string, path: string): string | undefined,
 *   params(method: string, path: string): Record<string, string>,
 *   describe(method: string, path: string): string | undefined,
 *   validateRequest(request: ForgeRequest, operationId: string): AjvError[],
 *   validateResponse(operationId: string, status: number, body: unknown, headers: Record<string, string>): string[],
 *   documentationUrl(operationId: string): string,
 *   loadMs: number,
 * }} Contract
 */

/** @type {Promise<Contract> | undefined} */
let loaded;
/** Loads the description once per process: the fakes of every test share it. @returns {Promise<Contract>} */
export function loadContract() {
  loaded ??= load();
  return loaded;
}

/**
 * The description's formats, checked where a mistake would reach a client (dates, URLs); the rest are labels.
 * @type {Record<string, import('ajv').Format>}
 */
const FORMATS = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uri: (/** @type {string} */ s) => URL.canParse(s),
  email: /^[^@\s]+@[^@\s]+$/,
  'repo.nwo': /^[^/\s]+\/[^/\s]+$/,
  'uri-template': true, binary: true, timestamp: true,
};

/** @param {import('ajv').default} ajv */
function addFormats(ajv) {
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

/**
 * GitHub's description says "or null" in two ways OpenAPI 3.0.3 gives no effect, and that Ajv would hold against
 * GitHub's own answers: `nullable: true` beside anyOf/oneOf with no `type` (Ajv refuses the schema), and beside an
 * `enum` without null (a queued check run's `conclusion: null` would fail). Both are spelled out as GitHub means them.
 * @param {unknown} node
 */
function spellOutNullable(node) {
  if (Array.isArray(node)) { node.forEach(spellOutNullable); return; }
  if (!node || typeof node !== 'object') return;
  const schema = /** @type {Record<string, unknown>} */ (node);
  Object.values(schema).forEach(spellOutNullable);
  if (schema['nullable'] !== true) return;
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) schema['enum'] = [...schema['enum'], null];
  if (!('type' in schema)) {
    const rest = { ...schema };
    delete rest['nullable'];
    for (const key of Object.keys(schema)) delete schema[key];
    schema['anyOf'] = [rest, { type: 'object', nullable: true, enum: [null] }];
  }
}

/** A path template as a regular expression over one path segment per parameter. */
const templateRegex = (/** @type {string} */ template) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** @returns {Promise<Contract>} */
async function load() {
  const started = performance.now();
  /** @type {{ openapi: string, info: unknown, paths: Record<string, Record<string, { operationId?: string }>>, components: Record<string, Record<string, unknown>> }} */
  const full = JSON.parse(readFileSync(descriptionFile(), 'utf8'));
  const served = new Set(SERVED);
  /** @type {{ method: string, regex: RegExp, label: string }[]} every operation GitHub documents, to tell "not served by the fake" from "not GitHub's API at all" */
  const everything = [];
  /** @type {Record<string, Record<string, unknown>>} */
  const paths = {};
  for (const [template, item] of Object.entries(full.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.operationId) continue;
      everything.push({ method: method.toUpperCase(), regex: templateRegex(template), label: `${method.toUpperCase()} ${template} (${op.operationId})` });
      if (served.has(op.operationId)) (paths[template] ??= {})[method] = op;
    }
  }
  // Only the components the served operations reach, so $refs still resolve and nothing else is compiled.
  /** @type {Record<string, Record<string, unknown>>} */
  const components = {};
  const seen = new Set();
  /** @type {unknown[]} */
  const queue = [paths];
  while (queue.length > 0) {
    const node = queue.pop();
    if (!node || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && !seen.has(value)) {
        seen.add(value);
        const [, , kind = '', name = ''] = value.split('/');
        const target = full.components[kind]?.[name];
        if (target === undefined) throw new Error(`GitHub's description refers to ${value}, which it does not define`);
        (components[kind] ??= {})[name] = target;
        queue.push(target);
      } else {
        queue.push(value);
      }
    }
  }
  const document = structuredClone({ openapi: full.openapi, info: full.info, paths, components });
  spellOutNullable(document);
  // strict: the cut-down document must itself be valid OpenAPI (validateDefinition); validators compiled lazily below.
  const api = new OpenAPIBackend({ definition: /** @type {import('openapi-backend').Document} */ (document), strict: true, validate: false });
  await api.init();
  const validator = new OpenAPIValidator({
    definition: api.definition, router: api.router, lazyCompileValidators: true, coerceTypes: true, customizeAjv: addFormats, ajvOpts: { verbose: true },
  });
  const operations = new Map(api.getOperations().map((op) => [op.operationId ?? '', op]));
  // GitHub documents few error answers per operation (401 nowhere): an undocumented one must still be GitHub's error shape.
  const basicError = validator.getAjv(ValidationContext.Response)
    .compile(/** @type {object} */ (api.definition.components?.schemas?.['basic-error']));
  const ajvText = (/** @type {AjvError[] | null | undefined} */ errors) =>
    (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');

  return {
    match: (method, path) => api.router.matchOperation({ method, path, headers: {} })?.operationId,
    params(method, path) {
      const op = api.router.matchOperation({ method, path, headers: {} });
      return op ? /** @type {Record<string, string>} */ (api.router.parseRequest({ method, path, headers: {} }, op).params) : {};
    },
    describe: (method, path) => everything.find((op) => op.method === method && op.regex.test(path))?.label,
    validateRequest(request, operationId) {
      return validator.validateRequest(request, operationId).errors ?? [];
    },
    validateResponse(operationId, status, body, headers) {
      const op = operations.get(operationId);
      if (!op) return [`${operationId} is not an operation of the description`];
      if (!(String(status) in (op.responses ?? {}))) {
        if (status < 400) return [`${operationId} documents no ${status} answer`];
        return basicError(body) ? [] : [`a ${status} answer is not GitHub's error shape: ${ajvText(basicError.errors)}`];
      }
      const problems = [];
      const bodyResult = validator.validateResponse(body, operationId, status);
      if (!bodyResult.valid) problems.push(`${status} body: ${ajvText(bodyResult.errors)}`);
      const headerResult = validator.validateResponseHeaders(headers, operationId, { statusCode: status });
      if (!headerResult.valid) problems.push(`${status} headers: ${ajvText(headerResult.errors)}`);
      return problems;
    },
    documentationUrl(operationId) {
      const url = /** @type {{ externalDocs?: { url?: string } } | undefined} */ (operations.get(operationId))?.externalDocs?.url;
      return url ?? 'https://docs.github.com/rest';
    },
    loadMs: Math.round(performance.now() - started),
  };
}

/** How GitHub renders a value in its validation messages (Ruby's inspect: nil, "text", 5). */
const rubyish = (/** @type {unknown} */ value) => (value === null || value === undefined ? 'nil' : JSON.stringify(value));
const article = (/** @type {string} */ type) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/**
 * The message GitHub sends with a 422 for a request its schema rejects, e.g.
 * "Invalid request.\n\nFor 'properties/title', 5 is not a string." or "Invalid request.\n\n\"head\" wasn't supplied."
 * @param {AjvError[]} errors Ajv's, with `verbose` (the failing value and schema)
 */
export function invalidRequestMessage(errors) {
  const lines = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf').map((e) => {
    const [where = '', ...rest] = e.instancePath.split('/').filter(Boolean);
    const field = rest.join('/');
    const place = where === 'requestBody' ? `properties/${field}` : field;
    const value = e.data; // Ajv's `verbose`: the value that failed
    // No body where one is required: GitHub's words for it.
    if (e.keyword === 'required' && e.params['missingProperty'] === 'requestBody') return "For 'links/0/schema', nil is not an object.";
    if (e.keyword === 'required') return `"${String(e.params['missingProperty'])}" wasn't supplied.`;
    if (e.keyword === 'type') {
      const types = String(e.params['type']).split(',').map((t) => (t === 'null' ? 'null' : article(t)));
      const nullable = /** @type {{ nullable?: boolean } | undefined} */ (e.parentSchema)?.nullable;
      if (nullable && !types.includes('null')) types.push('null');
      return `For '${place}', ${rubyish(value)} is not ${types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types.at(-1)}` : types[0]}.`;
    }
    if (e.keyword === 'enum') return `For '${place}', ${rubyish(value)} is not a member of ${JSON.stringify(e.params['allowedValues'])}.`;
    return `For '${place}', ${rubyish(value)} ${e.message ?? 'is not valid'}.`;
  });
  return `Invalid request.\n\n${[...new Set(lines)].join('\n')}`;
}
