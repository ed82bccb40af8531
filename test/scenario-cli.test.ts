import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hashsim.mjs'), ...args], { cwd: root, encoding: 'utf8' });

describe('hashsim validate / schema (subprocess)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hashsim-cli-'));

  it('validate: exit 0 and one OK line per valid file', () => {
    const r = cli('validate', 'scenarios/minimal.yaml');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^OK scenarios\/minimal\.yaml: "minimal"/);
  });

  it('validate: every problem with its field path, exit 1, no stack trace', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nhorizonDays: -3\nminers:\n  - { name: a, hashrateEHs: 1, efficiencyJPerTH: 0, powerPriceUsdPerMWh: 40 }\nfoo: 1\n');
    const r = cli('validate', 'scenarios/minimal.yaml', bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^OK scenarios\/minimal\.yaml/);
    expect(r.stderr).toContain(`${bad}: horizonDays: expected a positive number, got -3`);
    expect(r.stderr).toContain(`${bad}: miners[0].efficiencyJPerTH: expected a positive number, got 0`);
    expect(r.stderr).toContain(`${bad}: foo: unknown key`);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    const missing = cli('validate', join(dir, 'none.yaml'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/none\.yaml: scenario file not found/);
    // A folder where a scenario file is expected: a message, not an EISDIR stack trace.
    for (const cmd of [['validate', dir], ['run', dir, '--runs', '1', '--out', join(dir, 'never')]]) {
      const r = cli(...cmd);
      expect(r.status, cmd[0]).toBe(1);
      expect(r.stderr).toContain(`${dir}: expected a scenario file (YAML or JSON), but it is a folder`);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error|EISDIR/);
    }
  });

  it('schema: prints the committed JSON Schema, or writes it with --out', () => {
    const r = cli('schema');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'scenarios/scenario.schema.json'), 'utf8'));
    const out = join(dir, 's.json');
    expect(cli('schema', '--out', out).status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).title).toBe('hashsim scenario');
  });
});
