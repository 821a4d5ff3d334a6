// Runs the extension-host suite inside VS Code (either launcher). The host forwards console output
// to the browser without printf formatting, so reporter lines are formatted here and tagged for the
// code-server launcher; a result file tells the launcher how many ran and failed.

import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const logFile = process.env['HOTFIX_TEST_LOG'];
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const line = format(...args);
    console.log(`[mocha] ${line}`);
    if (logFile) {
      appendFileSync(logFile, `${line}\n`);
    }
  };
  const grep = process.env['HOTFIX_TEST_GREP'];
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, ...(grep ? { grep } : {}) });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const resultFile = process.env['HOTFIX_TEST_RESULT'];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (resultFile) {
        writeFileSync(resultFile, JSON.stringify({ failures, passes: runner.stats?.passes ?? 0, tests: runner.stats?.tests ?? 0 }));
      }
      if (failures > 0) {
        reject(new Error(`${failures} extension-host tests failed.`));
      } else {
        resolve();
      }
    });
  });
}
