import { createHmac } from 'node:crypto';
import { signSlackRequest } from '../../../src/sandbox/slack';

describe('signSlackRequest', () => {
  it("reproduces the example in Slack's signing documentation", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('is v0= + hex HMAC-SHA256 over v0:{timestamp}:{body}', () => {
    const body = 'payload=%7B%22type%22%3A%22view_submission%22%7D';
    const expected = createHmac('sha256', 'shh').update(`v0:1700000000:${body}`).digest('hex');
    expect(signSlackRequest('shh', 1700000000, body)).toBe(`v0=${expected}`);
    expect(signSlackRequest('shh', 1700000001, body)).not.toBe(`v0=${expected}`);
  });
});
