import type { AccessMatrix } from './access-vectors.ts';
import { type PeerGroupAlgorithm, PeerGroupAlgorithm as Algorithm, type PeerGroupKind, PeerGroupKind as Kind } from './peer-group.ts';

/**
 * Organisational peer groups from HR attributes: a department; a title within a department;
 * a manager's direct reports. Users without the attribute are in no group of that kind, and a
 * group of fewer than `minSize` people is not formed (one person has no peers).
 */
export interface OrgPartition {
  kind: PeerGroupKind;
  algorithm: PeerGroupAlgorithm;
  features: readonly string[];
  /** Groups in key order, each with its members' matrix rows (user-id order). */
  groups: Array<{ key: string; label: string; rows: number[] }>;
}

export function organisationalPartitions(matrix: AccessMatrix, minSize: number): OrgPartition[] {
  const department = new Map<string, { label: string; rows: number[] }>();
  const title = new Map<string, { label: string; rows: number[] }>();
  const manager = new Map<string, { label: string; rows: number[] }>();
  const add = (map: Map<string, { label: string; rows: number[] }>, key: string, label: string, row: number) => {
    const group = map.get(key);
    if (group === undefined) map.set(key, { label, rows: [row] });
    else group.rows.push(row);
  };
  matrix.users.forEach((user, row) => {
    if (user.department !== null) {
      add(department, `department:${user.department}`, user.department, row);
      if (user.title !== null) add(title, `title:${user.department}:${user.title}`, `${user.title} (${user.department})`, row);
    }
    if (user.manager !== null) add(manager, `manager:${user.manager}`, `direct reports of ${user.manager}`, row);
  });
  const groups = (map: Map<string, { label: string; rows: number[] }>) =>
    [...map]
      .filter(([, g]) => g.rows.length >= minSize)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, g]) => ({ key, label: g.label, rows: g.rows }));
  return [
    { kind: Kind.DEPARTMENT, algorithm: Algorithm.DEPARTMENT, features: ['department'], groups: groups(department) },
    { kind: Kind.TITLE, algorithm: Algorithm.TITLE, features: ['department', 'title'], groups: groups(title) },
    { kind: Kind.MANAGER, algorithm: Algorithm.MANAGER, features: ['manager'], groups: groups(manager) },
  ];
}
