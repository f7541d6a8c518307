import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The suite proves the bot on the runtime that runs it: Node 24, as package.json says. */
test('runs on Node 24, the major that package.json and .nvmrc name', () => {
  const root = join(__dirname, '..');
  const engines = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node;
  expect(engines).toBe('24.x');
  expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe('24');
  expect(readFileSync(join(root, '.node-version'), 'utf8').trim()).toBe('24');
  expect(process.versions.node.split('.')[0]).toBe('24');
});
