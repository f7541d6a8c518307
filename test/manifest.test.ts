import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const root = join(__dirname, '..');
// Slack's manifest schema (slackapi/manifest-schema, MIT: see the LICENSE file beside it).
const schemaPath = join(root, 'test', 'data', 'slack-manifest.schema.1.0.0.json');

function loadManifest(): Record<string, unknown> {
  return parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as Record<string, unknown>;
}

describe('manifest.yml', () => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  const validate = new Ajv({
    strict: false,
    allErrors: true,
    formats: { uri: (value: string) => URL.canParse(value) },
  }).compile(schema);

  test('is valid against Slack’s published manifest schema', () => {
    const valid = validate(loadManifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema check catches a broken manifest', () => {
    const manifest = loadManifest();
    const broken = { ...manifest, features: { slash_commands: [{ command: 'contact' }] } };
    expect(validate(broken)).toBe(false);
  });

  test('has the /contact command, interactivity at /slack/events, and only the scopes the bot uses', () => {
    const manifest = loadManifest() as {
      features: { slash_commands: { command: string; url: string }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: {
        interactivity: {
          is_enabled: boolean;
          request_url: string;
          message_menu_options_url: string;
        };
        socket_mode_enabled: boolean;
      };
    };
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/contact']);
    expect(manifest.features.slash_commands[0]?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    // The form's type-ahead contact picker sends block_suggestion requests there.
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'channels:read',
      'chat:write',
      'commands',
      'groups:read',
      'usergroups:read',
      'users:read',
      'users:read.email',
    ]);
  });

  test('escapes the command text, so mentions arrive as <@U…>, and subscribes to user_change', () => {
    const manifest = loadManifest() as {
      features: { slash_commands: { should_escape: boolean }[] };
      settings: { event_subscriptions: { request_url: string; bot_events: string[] } };
    };
    expect(manifest.features.slash_commands[0]?.should_escape).toBe(true);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['user_change']);
  });

  test('explains what changes for Socket Mode', () => {
    const text = readFileSync(join(root, 'manifest.yml'), 'utf8');
    expect(text).toMatch(/Socket Mode/);
    expect(text).toMatch(/SLACK_APP_TOKEN/);
  });
});

test('Procfile runs the web process with npm start, and explains the Socket Mode worker', () => {
  const procfile = readFileSync(join(root, 'Procfile'), 'utf8');
  expect(procfile).toMatch(/^web: npm start$/m);
  expect(procfile).toMatch(/worker: npm start/);
});
