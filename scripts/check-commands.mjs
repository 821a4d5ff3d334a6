// Static manifest check (after vscode-pull-request-github's scripts/check-commands.js): the ids in
// src/shared/ids.ts and the commands in package.json are the same set; every command has a title and
// category "Hotfix"; internal commands are hidden from the palette; every view has a welcome text;
// every walkthrough step has a button (command link) to a contributed command and media that exists.
// The extension-host suite checks the same at run time against what was really registered.
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const ids = readFileSync(new URL('../src/shared/ids.ts', import.meta.url), 'utf8');
const problems = [];

const block = /export const COMMANDS = \{([\s\S]*?)\} as const;/.exec(ids);
if (!block) problems.push('src/shared/ids.ts: no `export const COMMANDS = { ... } as const` table');
const declared = new Set([...(block?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]));
const contributes = pkg.contributes ?? {};
const commands = contributes.commands ?? [];
const contributed = new Set(commands.map((c) => c.command));

for (const id of declared) if (!contributed.has(id)) problems.push(`${id}: in src/shared/ids.ts but not in package.json contributes.commands`);
for (const id of contributed) if (!declared.has(id)) problems.push(`${id}: in package.json but not registered (add it to COMMANDS in src/shared/ids.ts)`);

const hidden = new Set((contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
for (const c of commands) {
  if (!c.command.startsWith('hotfixDeployer.')) problems.push(`${c.command}: command ids start with hotfixDeployer.`);
  if (c.category !== 'Hotfix') problems.push(`${c.command}: category must be "Hotfix"`);
  if (!c.title) problems.push(`${c.command}: no title`);
  if (c.command.includes('.internal.') && !hidden.has(c.command)) problems.push(`${c.command}: internal, but not hidden from the palette (menus.commandPalette when: false)`);
}

const referenced = [
  ...Object.values(contributes.menus ?? {}).flat().map((m) => m.command),
  ...(contributes.viewsWelcome ?? []).flatMap((w) => [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1])),
].filter((id) => id?.startsWith('hotfixDeployer.'));
// Walkthroughs: each step's button and completion events name contributed commands; its media exists.
for (const walkthrough of contributes.walkthroughs ?? []) {
  if (!walkthrough.id?.startsWith('hotfixDeployer.')) problems.push(`walkthrough ${walkthrough.id}: ids start with hotfixDeployer.`);
  for (const step of walkthrough.steps ?? []) {
    const where = `walkthrough ${walkthrough.id} step ${step.id}`;
    const links = [...(step.description ?? '').matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    if (links.length === 0) problems.push(`${where}: no button (a [Title](command:id) link in its description)`);
    const events = (step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
    for (const id of [...links, ...events]) if (id.startsWith('hotfixDeployer.') && !contributed.has(id)) problems.push(`${where}: ${id} is not a contributed command`);
    const media = step.media?.markdown ?? step.media?.image ?? step.media?.svg;
    if (typeof media !== 'string') problems.push(`${where}: no media`);
    else if (!existsSync(new URL(`../${media}`, import.meta.url))) problems.push(`${where}: ${media} does not exist`);
  }
}

for (const id of referenced) if (!contributed.has(id)) problems.push(`${id}: used in a menu or welcome text but not contributed`);

const views = Object.entries(contributes.views ?? {});
const containers = new Set((contributes.viewsContainers?.activitybar ?? []).map((c) => c.id));
const welcomed = new Set((contributes.viewsWelcome ?? []).map((w) => w.view));
for (const [container, list] of views) {
  if (!containers.has(container)) problems.push(`views.${container}: no such view container`);
  for (const view of list) {
    if (!view.id.startsWith('hotfixDeployer.')) problems.push(`${view.id}: view ids start with hotfixDeployer.`);
    if (!welcomed.has(view.id)) problems.push(`${view.id}: no viewsWelcome text for a first-time user`);
  }
}

for (const [key, setting] of Object.entries(contributes.configuration?.properties ?? {})) {
  if (!key.startsWith('hotfixDeployer.')) problems.push(`${key}: setting keys start with hotfixDeployer.`);
  if (!setting.description && !setting.markdownDescription) problems.push(`${key}: no description`);
  if (!setting.scope) problems.push(`${key}: no scope`);
  if (setting.enum && !setting.enumDescriptions) problems.push(`${key}: enum without enumDescriptions`);
}

if (problems.length > 0) {
  console.error(`manifest check: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`manifest check: ${contributed.size} commands, ${views.flatMap(([, l]) => l).length} views, ${(contributes.walkthroughs ?? []).length} walkthrough(s): ok`);
