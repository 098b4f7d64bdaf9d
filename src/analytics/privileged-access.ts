/**
 * Privileged sessions, read as behaviour: what class of command a command line is, and by
 * which channel an account is being used interactively. Pure and deterministic; the profile
 * learns both (categorical parts `commands` and `interactive`) and the privileged and account
 * indicators test against them.
 *
 * Command classes follow the MITRE ATT&CK tactics an administrator's command line most often
 * shows (credential access → `credential-dumping`, defense evasion → `log-tampering` and
 * `defense-evasion`, execution → `download-execute`, persistence, privilege escalation,
 * discovery → `recon`, account manipulation → `account-management`), plus `normal-admin` for
 * routine administration and `other` for anything unrecognised. A command line is matched
 * against the rules below in order, first match wins, so a line that both reads a log and
 * clears it is log tampering. The rules are regular expressions over the lower-cased line with
 * runs of white space collapsed: a keyword list, not a shell parser; obfuscated commands fall
 * to `other`, which is itself new to most baselines.
 */

export const COMMAND_CLASSES = [
  'credential-dumping',
  'log-tampering',
  'defense-evasion',
  'download-execute',
  'persistence',
  'privilege-escalation',
  'account-management',
  'recon',
  'normal-admin',
  'other',
] as const;
export type CommandClass = (typeof COMMAND_CLASSES)[number];

/** Classes risky enough to be findings by themselves, whoever runs them (the `risky-command` indicator). */
export const RISKY_COMMAND_CLASSES: ReadonlySet<CommandClass> = new Set<CommandClass>([
  'credential-dumping',
  'log-tampering',
  'defense-evasion',
  'download-execute',
]);

/** What each class means, as reasons and the catalogue word it. */
export const COMMAND_CLASS_DESCRIPTIONS: Readonly<Record<CommandClass, string>> = {
  'credential-dumping': 'credential dumping (reading password hashes, LSASS memory, the SAM or NTDS database, /etc/shadow)',
  'log-tampering': 'log tampering (clearing event logs, audit policy or shell history)',
  'defense-evasion': 'disabling security controls (antivirus, SELinux, audit daemon, firewall)',
  'download-execute': 'download and execute (piping a download into a shell, fetching a payload with a LOLBin)',
  persistence: 'persistence (scheduled tasks, services, run keys, authorized SSH keys)',
  'privilege-escalation': 'privilege escalation (root shells, setuid, adding to an administrators group)',
  'account-management': 'account management (creating, deleting or changing accounts and passwords)',
  recon: 'reconnaissance (enumerating users, groups, hosts and the network)',
  'normal-admin': 'routine administration',
  other: 'an unrecognised command',
};

const RULES: ReadonlyArray<readonly [CommandClass, RegExp]> = [
  [
    'credential-dumping',
    /mimikatz|sekurlsa|lsadump|kerberos::|dcsync|secretsdump|hashdump|lazagne|pwdump|\bprocdump(64)?\b.*\blsass|comsvcs(\.dll)?.*minidump|\breg(\.exe)? save hklm\\(sam|system|security)\b|ntdsutil|\bntds\.dit\b|\/etc\/(shadow|gshadow)\b|\bunshadow\b|get-process lsass|out-minidump|\blsass(\.exe)?\b.*\.dmp/,
  ],
  [
    'log-tampering',
    /wevtutil(\.exe)? (cl|clear-log)\b|clear-eventlog|remove-eventlog|auditpol(\.exe)? .*\/(clear|remove)\b|history -c\b|unset histfile|histfile=\/dev\/null|histfilesize=0|\bshred\b.*(\.log\b|\/var\/log|history)|rm (-[a-z]+ )*\/var\/log|truncate -s ?0 .*\/var\/log|> ?\/var\/log\/|journalctl .*--vacuum|ln -sf? \/dev\/null .*history|\brm (-[a-z]+ )*~?\/?.*\.bash_history/,
  ],
  [
    'defense-evasion',
    /set-mppreference .*-disable|add-mppreference .*-exclusion|setenforce 0|systemctl (stop|disable|mask) (auditd|falcon|crowdstrike|sentinel|defender|mdatp|osqueryd|wazuh)|service (auditd|falcon-sensor|wazuh-agent) stop|\bsc(\.exe)? (stop|delete|config) (windefend|sense|wdfilter)|netsh (adv)?firewall .*(off|disable)|iptables -f\b|ufw disable|auditctl -e ?0/,
  ],
  [
    'download-execute',
    /(curl|wget)\b[^|;&]*\|\s*(sudo )?(ba|z|da)?sh\b|(curl|wget)\b.*(&&|;)\s*(chmod \+x|(ba)?sh |\.\/)|downloadstring|downloadfile|\biex\b|invoke-expression|certutil(\.exe)? .*-urlcache|bitsadmin(\.exe)? .*\/transfer|mshta(\.exe)? +https?:|regsvr32(\.exe)? .*\/i:https?:|powershell(\.exe)? .*-(e|enc|encodedcommand) [a-z0-9+/=]{16,}/,
  ],
  [
    'persistence',
    /schtasks(\.exe)? .*\/create|crontab (-e|-l -u|[^-\s])|\/etc\/cron|systemctl enable|new-service|\bsc(\.exe)? create\b|authorized_keys|currentversion\\run|\/etc\/rc\.local|\bat \d{1,2}:\d{2}|register-scheduledtask|wmic .*eventfilter/,
  ],
  [
    'privilege-escalation',
    /^sudo (-i|-s|su\b|bash|sh)\b|^sudo$|^su( -| root|$)|chmod (u\+s|[24][0-7]{3})\b|\bsetcap\b|\bpkexec\b|runas(\.exe)? .*\/user:.*admin|psexec(\.exe)? .*-s\b|\/etc\/sudoers|\bvisudo\b|usermod .*-a?g (sudo|wheel|admin)|net localgroup administrators .*\/add|add-localgroupmember .*administrators|add-adgroupmember .*(domain|enterprise) admins/,
  ],
  [
    'account-management',
    /\b(useradd|userdel|usermod|adduser|deluser|groupadd|groupdel|gpasswd|chpasswd|chage)\b|^passwd\b|net user .*\/(add|delete|active)|net localgroup|new-aduser|remove-aduser|set-aduser|set-adaccountpassword|unlock-adaccount|enable-adaccount|disable-adaccount|add-adgroupmember|new-localuser/,
  ],
  [
    'recon',
    /^whoami\b|\bwhoami \/(all|priv|groups)|net (user|group|view|accounts)\b.*\/domain|net group\b|\bnltest\b|\bnmap\b|\bmasscan\b|arp -a|\bsysteminfo\b|get-ad(user|group|computer|domain)|\bldapsearch\b|\badfind\b|sharphound|bloodhound|find \/ .*-perm|\/etc\/passwd\b|^id$|^uname -a|\bnetstat -[a-z]*a|dsquery|get-netuser|query user|quser\b/,
  ],
  [
    'normal-admin',
    /^(ls|ll|cd|pwd|cat|less|more|tail|head|grep|find|df|du|free|top|htop|uptime|ps|ping|traceroute|dig|nslookup|vi|vim|nano|cp|mv|mkdir|touch|tar|git|make|echo|date|hostname|ip|ss|lsblk|mount|uname|who|w|last|journalctl|dmesg|curl|wget)\b|^(sudo )?(systemctl|service) (status|restart|reload|start|stop|is-active)\b|^(sudo )?(apt|apt-get|yum|dnf|zypper|pip|npm) |^(sudo )?(docker|kubectl|helm|podman) |^(get|restart|start|stop|test)-(service|process|eventlog|winevent|childitem|content|netconnection|computerinfo)\b|^ipconfig\b|^tasklist\b|^gpupdate\b|^sfc \/scannow/,
  ],
];

/** Leading `sudo` (with its plain flags) is stripped before matching, except for `sudo -i`/`-s`/`su`, which are the escalation. */
const SUDO_PREFIX = /^sudo (-[a-z]+ )*(?!(-i|-s|su|bash|sh)\b)/;

/** The class of a command line. */
export function classifyCommand(commandLine: string): CommandClass {
  const line = commandLine.trim().toLowerCase().replace(/\s+/g, ' ');
  if (line === '') return 'other';
  const stripped = line.replace(SUDO_PREFIX, '');
  for (const [cls, re] of RULES) {
    if (re.test(line) || (stripped !== line && re.test(stripped))) return cls;
  }
  return 'other';
}

/** Interactive channels: how an account is used by a person rather than by a program. */
export const INTERACTIVE_CHANNELS = ['web', 'email', 'vpn', 'rdp', 'shell'] as const;
export type InteractiveChannel = (typeof INTERACTIVE_CHANNELS)[number];

/** What an event needs for `interactiveChannel`. */
export interface ChannelEvent {
  category: string;
  action: string;
  outcome: string;
  protocol?: string;
  interactive?: boolean;
  command?: string;
}

/**
 * The interactive channel an event shows, or null: web browsing, mail sent, a VPN connection,
 * an RDP logon (`network.protocol` `rdp`; RDP is a desktop, never a program), or a command typed
 * in a terminal (`process.interactive` true). An SSH logon or a non-interactive command is not:
 * automation (configuration management, backups) logs on over SSH all day.
 */
export function interactiveChannel(e: ChannelEvent): InteractiveChannel | null {
  if (e.category === 'web') return 'web';
  if (e.category === 'email' && e.action === 'email_send') return 'email';
  if (e.action === 'vpn_connect' && e.outcome === 'success') return 'vpn';
  if (e.protocol === 'rdp' && e.outcome !== 'failure' && (e.action === 'logon' || e.action === 'remote_logon')) return 'rdp';
  if (e.command !== undefined && e.interactive === true) return 'shell';
  return null;
}
