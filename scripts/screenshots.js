// Takes the README's screenshots with the browser-test machinery: the sandbox and Debian's
// Chromium. Usage: npm run screenshots (builds first). Writes docs/form.png and
// docs/confirmation.png; npm test never does.
const { join } = require('node:path');
const { createLogger } = require('../dist/logger');
const { startSandbox } = require('../dist/sandbox/start');
const { launchBrowser, sendCommand } = require('../dist/sandbox/browser');

async function main() {
  const sandbox = await startSandbox({ PORT: '0' }, createLogger('silent'));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(sandbox.url);
    await sendCommand(page, '/contact update ic_7Qm2xK9a job_title="VP, Customer Success"');
    await page.locator('.modal input[name="phone"]').waitFor();
    await page.fill('.modal input[name="phone"]', '(415) 555-0100');
    await page.screenshot({ path: join(__dirname, '..', 'docs', 'form.png') });

    await page.click('.modal-submit');
    await page.locator('.message[data-kind="channel"]').waitFor();
    await page.click('.modal-close');
    await page.locator('.modal').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(__dirname, '..', 'docs', 'confirmation.png') });
    console.log('wrote docs/form.png and docs/confirmation.png');
  } finally {
    await browser.close();
    await sandbox.shutdown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
