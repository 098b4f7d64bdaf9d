import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src/events/event.ts';
import { createLanlParser, DEFAULT_LANL_EPOCH } from '../../src/events/lanl.parser.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

function parseAll(lines: string[], epoch?: number): (NormalizedEvent | string | undefined)[] {
  const parse = createLanlParser(epoch);
  return lines.map((line) => parse(line));
}

describe('LANL auth.txt parser', () => {
  it('maps a logon onto the normalized event', () => {
    const line = '7,U12@DOM1,U13@DOM1,C1250,C586,NTLM,Network,LogOn,Success';
    expect(parseAll([line])[0]).toStrictEqual({
      id: sha1(line),
      ts: DEFAULT_LANL_EPOCH + 7000,
      category: 'authentication',
      action: 'remote_logon',
      outcome: 'success',
      user: 'U12@DOM1',
      host: 'C1250',
      asset: 'C586',
    });
    expect(DEFAULT_LANL_EPOCH).toBe(Date.parse('2015-01-01T00:00:00Z'));
  });

  it('anchors relative times at the given epoch', () => {
    const epoch = Date.UTC(2020, 5, 1);
    const event = parseAll(['86400,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success'], epoch)[0] as NormalizedEvent;
    expect(event.ts).toBe(Date.UTC(2020, 5, 2));
  });

  it.each([
    ['LogOn', 'Network', 'remote_logon'],
    ['LogOff', 'Network', 'remote_logoff'],
    ['LogOn', 'Interactive', 'logon'],
    ['LogOn', 'RemoteInteractive', 'logon'],
    ['LogOff', 'Interactive', 'logoff'],
    ['LogOn', 'Batch', 'remote_logon'],
    ['TGS', 'Network', 'kerberos_tgs'],
    ['TGT', 'Network', 'kerberos_tgt'],
    ['AuthMap', 'Network', 'auth_map'],
    ['ScreenUnlock', 'Unlock', 'screenunlock'],
  ])('maps orientation %s with logon type %s to action %s (only interactive logons open sessions)', (orientation, logonType, action) => {
    const event = parseAll([`1,U1@DOM1,U1@DOM1,C1,C2,Kerberos,${logonType},${orientation},Success`])[0] as NormalizedEvent;
    expect(event.action).toBe(action);
  });

  it('maps Fail to failure and omits fields given as ?', () => {
    const event = parseAll(['2,C625$@DOM1,SYSTEM@C625,C625,?,?,?,TGS,Fail'])[0];
    expect(event).toMatchObject({ user: 'C625$@DOM1', host: 'C625', outcome: 'failure', action: 'kerberos_tgs' });
    expect(event).not.toHaveProperty('asset');
  });

  it('gives verbatim repeats distinct ids, and the same ids when the file is parsed again', () => {
    const lines = [
      '1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success',
      '1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success',
      '1,U2@DOM1,U2@DOM1,C3,C2,NTLM,Network,LogOn,Success',
      '1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success',
      '2,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success',
    ];
    const ids = parseAll(lines).map((e) => (e as NormalizedEvent).id);
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toBe(sha1(lines[0]!));
    expect(parseAll(lines).map((e) => (e as NormalizedEvent).id)).toStrictEqual(ids);
  });

  it('ignores a trailing CR and blank lines', () => {
    const [a, blank, b] = parseAll(['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success\r', '  ', '1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success']);
    expect(blank).toBeUndefined();
    expect((a as NormalizedEvent).id).toBe(sha1('1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success'));
    expect((b as NormalizedEvent).id).not.toBe((a as NormalizedEvent).id);
  });

  it.each([
    ['1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', 'expected 9 comma-separated fields, got 8'],
    ['x,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', "time: 'x' is not a whole, non-negative number of seconds"],
    ['-1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', "time: '-1' is not a whole, non-negative number of seconds"],
    ['1.5,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', "time: '1.5' is not a whole, non-negative number of seconds"],
    ['1,?,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', "source user: unknown ('?')"],
    ['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Maybe', "success/failure: 'Maybe' is not Success or Fail"],
  ])('rejects %s', (line, reason) => {
    expect(parseAll([line])[0]).toBe(reason);
  });
});
