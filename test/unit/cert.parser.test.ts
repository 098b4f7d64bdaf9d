import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  certKindFromFileName,
  ldapSnapshotMonth,
  parseCertAttachments,
  parseCertDate,
} from '../../src/events/cert.parser.ts';
import { type CsvSink, CsvTokenizer } from '../../src/events/csv.tokenizer.ts';
import type { NormalizedEvent, ParsedItem } from '../../src/events/event.ts';
import { LdapSnapshotTracker, parseFile, parseStream, type ImportOptions } from '../../src/events/importer.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const NOW = Date.UTC(2024, 5, 1);
const T = Date.UTC(2010, 0, 2, 7, 11, 45); // 01/02/2010 07:11:45

async function collect(items: AsyncIterable<ParsedItem>): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* oneByteAtATime(text: string): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

function parseCsv(source: string, text: string, opts: Partial<ImportOptions> = {}): Promise<ParsedItem[]> {
  return collect(parseStream([text], { format: 'cert', source, now: () => NOW, ...opts }));
}

function events(items: ParsedItem[]): NormalizedEvent[] {
  return items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
}

function summary(items: ParsedItem[]): string[] {
  return items.map((i) => (i.kind === 'event' ? `event ${i.line} ${i.event.id}` : `dead ${i.dead.line} ${i.dead.reason}`));
}

describe('CERT file names', () => {
  it.each([
    ['r4.2/logon.csv', 'logon'],
    ['device.csv', 'device'],
    ['C:\\cert\\FILE.csv', 'file'],
    ['email.csv', 'email'],
    ['http.csv', 'http'],
    ['r4.2/LDAP/2010-01.csv', 'ldap'],
    ['2011-05.csv', 'ldap'],
    ['psychometric.csv', undefined],
    ['logon.csv.bak', undefined],
  ])('%s is %s', (name, kind) => {
    expect(certKindFromFileName(name)).toBe(kind);
  });

  it('takes the LDAP snapshot time from the file name: the first of the month, UTC', () => {
    expect(ldapSnapshotMonth('LDAP/2010-02.csv')).toStrictEqual({ month: '2010-02', ts: Date.UTC(2010, 1, 1) });
    expect(ldapSnapshotMonth('LDAP/2010-13.csv')).toBeUndefined();
  });

  it('reads MM/DD/YYYY HH:MM:SS as UTC', () => {
    expect(parseCertDate('01/02/2010 07:11:45')).toBe(T);
    expect(parseCertDate('02/30/2010 07:11:45')).toBeNaN();
    expect(parseCertDate('2010-01-02 07:11:45')).toBeNaN();
  });
});

describe('CERT activity files', () => {
  it('maps logon.csv and goes on after bad records', async () => {
    const items = await collect(parseFile(fixture('cert-r4.2/logon.csv'), { format: 'cert', now: () => NOW }));
    expect(summary(items)).toStrictEqual([
      'event 2 cert:logon:{X1D9-S0ES98JV-5357PWMI}',
      'event 3 cert:logon:{G2B3-L6EJ61GT-2222RKSO}',
      "dead 4 date: '01/02/2010 13/01 bad' is not MM/DD/YYYY HH:MM:SS",
      'event 5 cert:logon:{I0N5-R7NA26TG-6263KNGM}',
    ]);
    expect(events(items)[0]).toStrictEqual({
      id: 'cert:logon:{X1D9-S0ES98JV-5357PWMI}',
      ts: Date.UTC(2010, 0, 2, 6, 49),
      category: 'authentication',
      action: 'logon',
      outcome: 'success',
      user: 'NGF0157',
      host: 'PC-6056',
    });
    expect(events(items)[2]?.action).toBe('logoff');
    expect(items[2]).toStrictEqual({
      kind: 'dead',
      dead: {
        source: fixture('cert-r4.2/logon.csv'),
        line: 4,
        reason: "date: '01/02/2010 13/01 bad' is not MM/DD/YYYY HH:MM:SS",
        raw: '{U6Q3-U0WE70UA-3770UREL},01/02/2010 13/01 bad,NGF0157,PC-6056,Logoff',
        at: NOW,
      },
    });
  });

  it('maps device.csv in the r4 and r6 layouts', async () => {
    const r4 = await parseCsv('device.csv', 'id,date,user,pc,activity\n{A},01/02/2010 07:11:45,KEE0997,PC-6377,Connect\n{B},01/02/2010 07:11:45,KEE0997,PC-6377,Disconnect\n');
    const r6 = await parseCsv('device.csv', 'id,date,user,pc,file_tree,activity\n{A},01/02/2010 07:11:45,KEE0997,PC-6377,R:\\;R:\\docs,Connect\n{B},01/02/2010 07:11:45,KEE0997,PC-6377,,Disconnect\n');
    const expected = [
      { id: 'cert:device:{A}', ts: T, category: 'host', action: 'usb_connect', outcome: 'success', user: 'KEE0997', host: 'PC-6377' },
      { id: 'cert:device:{B}', ts: T, category: 'host', action: 'usb_disconnect', outcome: 'success', user: 'KEE0997', host: 'PC-6377' },
    ];
    expect(events(r4)).toStrictEqual(expected);
    expect(events(r6)).toStrictEqual(expected);
  });

  it('maps file.csv: r4 rows are copies to removable media, r6 follows activity and to_removable_media', async () => {
    const r4 = await parseCsv('file.csv', 'id,date,user,pc,filename,content\n{F},01/02/2010 07:11:45,KEE0997,PC-6377,R:\\8UFJ7V4B.doc,D0-CF-11-E0 some words\n');
    expect(events(r4)).toStrictEqual([
      { id: 'cert:file:{F}', ts: T, category: 'file', action: 'file_copy', outcome: 'success', user: 'KEE0997', host: 'PC-6377', filePath: 'R:\\8UFJ7V4B.doc' },
    ]);
    const header = 'id,date,user,pc,filename,activity,to_removable_media,from_removable_media,content\n';
    const r6 = await parseCsv('file.csv', `${header}`
      + '{1},01/02/2010 07:11:45,KEE0997,PC-6377,C:\\a.doc,File Open,False,False,"x, y"\n'
      + '{2},01/02/2010 07:11:45,KEE0997,PC-6377,R:\\a.doc,File Write,True,False,\n'
      + '{3},01/02/2010 07:11:45,KEE0997,PC-6377,C:\\a.doc,File Delete,False,False,\n'
      + '{4},01/02/2010 07:11:45,KEE0997,PC-6377,C:\\a.doc,File Copy,False,True,\n'
      + '{5},01/02/2010 07:11:45,KEE0997,PC-6377,C:\\a.doc,File Rename,False,False,\n'
      + '{6},01/02/2010 07:11:45,KEE0997,PC-6377,C:\\a.doc,File Open,Maybe,False,\n');
    expect(summary(r6).slice(4)).toStrictEqual([
      "dead 6 activity: 'File Rename' is not one of File Open, File Write, File Copy, File Delete",
      "dead 7 to_removable_media: 'Maybe' is not True or False",
    ]);
    expect(events(r6).map((e) => e.action)).toStrictEqual(['file_open', 'file_copy', 'file_delete', 'file_copy']);
  });

  it('maps email.csv r6 (fixture with a quoted multi-line content) and keeps line numbers', async () => {
    const items = await collect(parseFile(fixture('cert-r6.2/email.csv'), { format: 'cert', now: () => NOW }));
    expect(items).toStrictEqual([
      {
        kind: 'event',
        line: 2,
        event: {
          id: 'cert:email:{R3I7-S4TX96FG-8219JWFF}',
          ts: T,
          category: 'email',
          action: 'email_send',
          outcome: 'success',
          user: 'LAP0338',
          host: 'PC-5758',
          emailTo: ['dean.flynn.hines@dtaa.com', 'wade_harrison@lockheed.com', 'nathaniel.hunter.heath@dtaa.com'],
          attachments: 2,
          attachmentBytes: 19236,
          bytesOut: 25830,
        },
      },
      {
        kind: 'event',
        line: 5,
        event: {
          id: 'cert:email:{S2T8-B5OA23LS-1203MKLB}',
          ts: Date.UTC(2010, 0, 2, 7, 12, 16),
          category: 'email',
          action: 'email_view',
          outcome: 'success',
          user: 'MOH0273',
          host: 'PC-6699',
          emailTo: ['odonnell-gage@bellsouth.net'],
          attachments: 0,
        },
      },
    ]);
  });

  it('maps email.csv r4: attachments are a count, and the mail size stands in for their bytes', async () => {
    const items = await parseCsv('email.csv', 'id,date,user,pc,to,cc,bcc,from,size,attachments,content\n'
      + '{E1},01/02/2010 07:11:45,LAP0338,PC-5758,A@dtaa.com;b@x.com,,C@dtaa.com;a@dtaa.com,LAP@dtaa.com,25830,2,words, with, commas\n'
      + '{E2},01/02/2010 07:11:45,LAP0338,PC-5758,A@dtaa.com,,,LAP@dtaa.com,100,0,hi\n'
      + '{E3},01/02/2010 07:11:45,LAP0338,PC-5758,A@dtaa.com,,,LAP@dtaa.com,big,0,hi\n');
    expect(events(items)).toStrictEqual([
      {
        id: 'cert:email:{E1}', ts: T, category: 'email', action: 'email_send', outcome: 'success', user: 'LAP0338', host: 'PC-5758',
        emailTo: ['a@dtaa.com', 'b@x.com', 'c@dtaa.com'], attachments: 2, attachmentBytes: 25830, bytesOut: 25830,
      },
      {
        id: 'cert:email:{E2}', ts: T, category: 'email', action: 'email_send', outcome: 'success', user: 'LAP0338', host: 'PC-5758',
        emailTo: ['a@dtaa.com'], attachments: 0, bytesOut: 100,
      },
    ]);
    expect(summary(items)[2]).toBe("dead 4 size: 'big' is not a whole number of bytes");
  });

  it('maps r6 email activities: only Send is outbound', async () => {
    const items = await parseCsv('email.csv', 'id,date,user,pc,to,cc,bcc,from,activity,size,attachments,content\n'
      + '{1},01/02/2010 07:11:45,U1,PC-1,a@x.com,,,b@x.com,Receive,500,,\n'
      + '{2},01/02/2010 07:11:45,U1,PC-1,a@x.com,,,b@x.com,Forward,500,,\n');
    expect(events(items)).toMatchObject([{ action: 'email_receive', bytesIn: 500 }]);
    expect(summary(items)[1]).toBe("dead 3 activity: 'Forward' is not one of Send, Receive, View");
  });

  it('parses r6 attachment lists', () => {
    expect(parseCertAttachments('C:\\a\\b.doc(100);x.jpg(23)')).toStrictEqual({ count: 2, bytes: 123 });
    expect(parseCertAttachments('a.doc;b.pdf')).toStrictEqual({ count: 2 });
    expect(parseCertAttachments('file (copy).doc(7)')).toStrictEqual({ count: 1, bytes: 7 });
    expect(parseCertAttachments(' 3 ')).toStrictEqual({ count: 3 });
    expect(parseCertAttachments('')).toStrictEqual({ count: 0 });
  });

  it('maps http.csv in the r4 and r6 layouts', async () => {
    const r4 = await parseCsv('http.csv', 'id,date,user,pc,url,content\n{H},01/02/2010 07:11:45,KEE0997,PC-6377,http://Ow.ly/Ifn/qnmreqnplx.jsp,some words here\n');
    expect(events(r4)).toStrictEqual([
      {
        id: 'cert:http:{H}', ts: T, category: 'web', action: 'http_request', outcome: 'success', user: 'KEE0997', host: 'PC-6377',
        url: 'http://Ow.ly/Ifn/qnmreqnplx.jsp', domain: 'ow.ly',
      },
    ]);
    const r6 = await parseCsv('http.csv', 'id,date,user,pc,url,activity,content\n'
      + '{1},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Visit,"a, b"\n'
      + '{2},01/02/2010 07:11:45,U1,PC-1,http://b.com/x,WWW Download,c\n'
      + '{3},01/02/2010 07:11:45,U1,PC-1,http://wikileaks.org/up,WWW Upload,d\n');
    expect(events(r6).map((e) => [e.action, e.domain])).toStrictEqual([
      ['http_request', 'a.com'],
      ['http_download', 'b.com'],
      ['http_upload', 'wikileaks.org'],
    ]);
  });

  it('keeps the first line of quoted multi-line records in line numbers and dead letters', async () => {
    const text = 'id,date,user,pc,url,activity,content\r\n'
      + '{1},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Visit,"line one\r\nline, two\r\n""three"""\r\n'
      + '{2},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Jump,"x\ny"\r\n'
      + '\r\n'
      + '{3},01/02/2010 07:11:45,U1,PC-1\r\n'
      + '{4},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Visit,"bad"quote\r\n'
      + '{5},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Visit,last';
    const expected = [
      'event 2 cert:http:{1}',
      "dead 5 activity: 'WWW Jump' is not one of WWW Visit, WWW Download, WWW Upload",
      'dead 8 expected 7 columns (id, date, user, pc, url, activity, content), got 4',
      'dead 9 malformed CSV: column 7: text after the closing quote',
      'event 10 cert:http:{5}',
    ];
    expect(summary(await parseCsv('http.csv', text))).toStrictEqual(expected);
    const bytewise = await collect(parseStream(oneByteAtATime(text), { format: 'cert-http', source: 'http:cert-http', now: () => NOW }));
    expect(summary(bytewise)).toStrictEqual(expected);
    const dead = bytewise[1];
    expect(dead?.kind === 'dead' && dead.dead.raw).toBe('{2},01/02/2010 07:11:45,U1,PC-1,http://a.com/x,WWW Jump,"x\ny"');
  });

  it('reports an unclosed quote at the end of the file on the record it opened', async () => {
    const items = await parseCsv('logon.csv', 'id,date,user,pc,activity\n{1},01/02/2010 07:11:45,U1,PC-1,Logon\n{2},01/02/2010 07:11:45,U1,"PC-1,Logon\n\n');
    expect(summary(items)).toStrictEqual([
      'event 2 cert:logon:{1}',
      'dead 3 malformed CSV: column 4: quoted field opened on line 3 is never closed',
    ]);
  });

  it('throws, naming the missing columns, when the header lacks what the kind needs', async () => {
    await expect(parseCsv('logon.csv', 'id,date,user,computer,activity\n')).rejects.toThrow(
      'logon.csv: header of a CERT logon file lacks column(s) pc (found: id, date, user, computer, activity)',
    );
  });
});

describe('CERT LDAP snapshots', () => {
  const ldap = (file: string, tracker: LdapSnapshotTracker) =>
    collect(parseFile(fixture(`cert-r4.2/LDAP/${file}`), { format: 'cert', ldap: tracker, now: () => NOW }));

  it('resolves supervisors by name and detects terminations across snapshots', async () => {
    const tracker = new LdapSnapshotTracker();
    const jan = await ldap('2010-01.csv', tracker);
    const JAN = Date.UTC(2010, 0, 1);
    const FEB = Date.UTC(2010, 1, 1);
    expect(jan).toStrictEqual([
      {
        kind: 'event', line: 2,
        event: {
          id: 'cert:ldap:2010-01:CEL0561', ts: JAN, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'CEL0561',
          hr: { userId: 'CEL0561', name: 'Calvin Edan Love', email: 'calvin.edan.love@dtaa.com', department: '1 - Executive', title: 'President', status: 'ACTIVE', effectiveDate: JAN },
        },
      },
      {
        kind: 'event', line: 3,
        event: {
          id: 'cert:ldap:2010-01:CRD0624', ts: JAN, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'CRD0624',
          hr: { userId: 'CRD0624', name: 'Christine Reagan Deleon', email: 'christine.reagan.deleon@dtaa.com', department: '1 - Executive', title: 'VicePresident', manager: 'CEL0561', status: 'ACTIVE', effectiveDate: JAN },
        },
      },
      {
        kind: 'event', line: 4,
        event: {
          id: 'cert:ldap:2010-01:JBC0212', ts: JAN, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'JBC0212',
          hr: { userId: 'JBC0212', name: 'Jonah Brennan Cote', email: 'jonah.brennan.cote@dtaa.com', department: '3 - IT', title: 'ITAdmin', manager: 'CRD0624', status: 'ACTIVE', effectiveDate: JAN },
        },
      },
    ]);
    const feb = await ldap('2010-02.csv', tracker);
    expect(summary(feb)).toStrictEqual([
      'event 2 cert:ldap:2010-02:CEL0561',
      'event 3 cert:ldap:2010-02:CRD0624',
      'event 0 cert:ldap:2010-02:JBC0212:terminated',
    ]);
    expect(feb[2]).toStrictEqual({
      kind: 'event', line: 0,
      event: {
        id: 'cert:ldap:2010-02:JBC0212:terminated', ts: FEB, category: 'iam', action: 'hr_update', outcome: 'unknown', user: 'JBC0212',
        hr: { userId: 'JBC0212', name: 'Jonah Brennan Cote', email: 'jonah.brennan.cote@dtaa.com', department: '3 - IT', title: 'ITAdmin', manager: 'CRD0624', status: 'TERMINATED', effectiveDate: Date.UTC(2010, 2, 1) }, // end of February: missing from February's snapshot
      },
    });
  });

  it('refuses snapshots out of month order', async () => {
    const tracker = new LdapSnapshotTracker();
    await ldap('2010-02.csv', tracker);
    expect(() => parseFile(fixture('cert-r4.2/LDAP/2010-01.csv'), { format: 'cert', ldap: tracker })).toThrow(
      /LDAP snapshot 2010-01 comes after snapshot 2010-02/,
    );
  });

  it('leaves ambiguous or unknown supervisors unresolved and rejects repeated user ids', async () => {
    const items = await parseCsv('LDAP/2010-03.csv', 'employee_name,user_id,email,role,projects,business_unit,functional_unit,department,team,supervisor\n'
      + 'Ann Lee,AL1,,Boss,,1,1 - Executive,,,\n'
      + 'Ann Lee,AL2,,Boss,,1,1 - Executive,,,\n'
      + 'Bob Roe,BR1,,Clerk,,1,1 - Executive,2 - Sales,,Ann Lee\n'
      + 'Cy Poe,CP1,,Clerk,,1,1 - Executive,2 - Sales,,Nobody Known\n'
      + 'Cy Poe,CP1,,Clerk,,1,1 - Executive,2 - Sales,,Bob Roe\n'
      + ',,,,,,,,,\n');
    expect(summary(items)).toStrictEqual([
      'event 2 cert:ldap:2010-03:AL1',
      'event 3 cert:ldap:2010-03:AL2',
      'event 4 cert:ldap:2010-03:BR1',
      'event 5 cert:ldap:2010-03:CP1',
      "dead 6 user_id: 'CP1' already listed on line 5",
      'dead 7 user_id: empty',
    ]);
    expect(events(items).map((e) => e.hr?.manager)).toStrictEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('CsvTokenizer', () => {
  function tokenize(text: string, chunk = text.length, max?: number): string[] {
    const out: string[] = [];
    const sink: CsvSink = {
      record: (fields, line) => out.push(`${line}:${JSON.stringify(fields)}`),
      malformed: (reason, line) => out.push(`${line}:! ${reason}`),
    };
    const t = new CsvTokenizer(max);
    for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk), sink);
    t.end(sink);
    return out;
  }

  it('handles quotes, doubled quotes, embedded newlines, CRLF and empty fields at any chunking', () => {
    const text = 'a,"b,c","d ""e""",\r\n"multi\nline",5" drive,\r\n\r\n"",x\n"last"';
    const expected = [
      '1:["a","b,c","d \\"e\\"",""]',
      '2:["multi\\nline","5\\" drive",""]',
      '5:["","x"]',
      '6:["last"]',
    ];
    for (const chunk of [text.length, 1, 2, 3, 5]) expect(tokenize(text, chunk)).toStrictEqual(expected);
  });

  it('reports a record over the size limit and resumes at the next record', () => {
    expect(tokenize(`a,b\n${'x'.repeat(50)},"${'y\n'.repeat(10)}"\nc,d\n`, 7, 40)).toStrictEqual([
      '1:["a","b"]',
      '2:! record longer than 40 characters',
      '13:["c","d"]',
    ]);
  });
});
