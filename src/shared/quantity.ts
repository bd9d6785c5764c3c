/**
 * "1 backup", "3 backups", "0 errors": a count with its noun in singular or
 * plural, for labels and messages. The plural defaults to the noun with an
 * "s", which suits the nouns NSO Workbench counts (backups, packages, files,
 * errors, warnings).
 */
export function quantity(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
