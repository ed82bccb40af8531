// Issue 16 point 5: every hashsim command line the docs show (fenced blocks and inline code, in
// README.md and docs/*.md) names a command that exists, only flags that command's --help lists, and
// repository files that exist; the Slurm scripts' command lines use only options the scripts parse.
// The README's session, SWEEPS.md's files and the SQL are run by docs-examples.test.ts; this test
// keeps the rest of the docs from drifting when a flag or a file is renamed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

interface Cmd {
  readonly file: string;
  readonly line: string;
  readonly words: readonly string[];
}

/** Shell-ish words of a command line: comments and `$(`/backtick wrappers dropped, quotes kept whole. */
function words(line: string): string[] {
  return (line.replace(/\s#.*$/, '').match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
}

/** Command lines in fenced blocks (continuations joined) and inline code spans. */
function commandLines(file: string): string[] {
  const text = read(file);
  const out: string[] = [];
  for (const m of text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    out.push(...m[1]!.replace(/\\\n\s*/g, ' ').split('\n'));
  }
  const prose = text.replace(/```[a-z]*\n[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) out.push(m[1]!);
  return out.map((l) => l.trim());
}

/** Every `hashsim <command> ...` (or `node bin/hashsim.mjs ...`, `$HASHSIM ...`) invocation in the docs. */
function hashsimCommands(): Cmd[] {
  const cmds: Cmd[] = [];
  for (const file of DOCS) {
    for (const line of commandLines(file)) {
      const w = words(line);
      const at = w.findIndex((x, k) => x === 'hashsim' || x === '$HASHSIM' || (x === 'bin/hashsim.mjs' && w[k - 1] === 'node') || x.endsWith('/bin/hashsim.mjs'));
      if (at < 0 || at + 1 >= w.length) continue;
      // `hashsim` in prose-like code (package names, import specifiers) is not a command line.
      if (/^['"{(]/.test(w[at + 1]!) || w[at - 1] === 'from' || line.startsWith('import ')) continue;
      if (!/^[a-z]+$/.test(w[at + 1]!)) continue;
      cmds.push({ file, line, words: w.slice(at + 1) });
    }
  }
  return cmds;
}

const helpCache = new Map<string, string>();
function help(cmd: string): string {
  if (!helpCache.has(cmd)) {
    let text: string;
    try {
      text = execFileSync(process.execPath, [join(ROOT, 'bin', 'hashsim.mjs'), cmd, '--help'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      text = `NO SUCH COMMAND (${(e as { status: number }).status})`;
    }
    helpCache.set(cmd, text);
  }
  return helpCache.get(cmd)!;
}

/** Repository paths named as arguments: only concrete ones (no placeholders, outputs or user files). */
function repoPaths(ws: readonly string[]): string[] {
  return ws.map((w) => w.replace(/[),.;:]+$/, '')).filter(
    (w) =>
      /^(scenarios|calibrations|scripts|bench|notebooks|docs|test)\//.test(w) &&
      !/[<>$*{}]|\.\.\.|[A-Z]{3,}/.test(w) &&
      !/\/(results|shards)\b/.test(w),
  );
}

describe('docs command lines (issue 16 point 5)', () => {
  const cmds = hashsimCommands();

  it('finds the command lines of README.md and every doc (a guard against a parser that finds none)', () => {
    const files = new Set(cmds.map((c) => c.file));
    for (const f of ['README.md', 'docs/BATCH.md', 'docs/COMPARE.md', 'docs/SWEEPS.md', 'docs/BACKTEST.md', 'docs/CALIBRATION.md', 'docs/EXPLORE.md', 'docs/SLURM.md']) {
      expect(files.has(f), f).toBe(true);
    }
    expect(cmds.length).toBeGreaterThan(30);
  });

  it('every command exists and every flag is in its --help; every repository path exists', () => {
    const problems: string[] = [];
    for (const c of cmds) {
      const cmd = c.words[0]!;
      const h = help(cmd);
      if (h.startsWith('NO SUCH COMMAND') || !h.includes(`Usage: hashsim ${cmd}`)) {
        problems.push(`${c.file}: \`${c.line}\`: no command "${cmd}"`);
        continue;
      }
      for (const w of c.words.slice(1)) {
        const flag = /^(--[a-z][a-z0-9-]*)(=|$)/.exec(w)?.[1];
        if (flag === undefined) continue;
        // commander lists `--no-x` as is and `--x` under its negation's help only when both exist.
        if (!new RegExp(`(^|[\\s,])${flag}\\b`, 'm').test(h)) problems.push(`${c.file}: \`${c.line}\`: ${cmd} has no ${flag}`);
      }
      for (const p of repoPaths(c.words.slice(1))) {
        if (!existsSync(join(ROOT, p))) problems.push(`${c.file}: \`${c.line}\`: ${p} does not exist`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the Slurm scripts' command lines in docs use only the options the scripts parse", () => {
    const problems: string[] = [];
    const scripts: Record<string, string> = {
      'scripts/slurm/submit.sh': read('scripts/slurm/submit.sh'),
      'scripts/slurm/local-cluster.sh': read('scripts/slurm/local-cluster.sh'),
    };
    let seen = 0;
    for (const file of DOCS) {
      for (const line of commandLines(file)) {
        const w = words(line);
        const at = w.findIndex((x) => x in scripts);
        if (at < 0) continue;
        seen++;
        const src = scripts[w[at]!]!;
        for (const x of w.slice(at + 1)) {
          if (x === '--') break;
          if (/^--[a-z]/.test(x) && !src.includes(`${x})`)) problems.push(`${file}: \`${line}\`: ${w[at]} does not parse ${x}`);
        }
        if (w[at] === 'scripts/slurm/local-cluster.sh' && w[at + 1] !== undefined && !new RegExp(`\\b${w[at + 1]}\\)`).test(src)) {
          problems.push(`${file}: \`${line}\`: local-cluster.sh has no "${w[at + 1]}" action`);
        }
        for (const p of repoPaths(w.slice(at + 1))) if (!existsSync(join(ROOT, p))) problems.push(`${file}: \`${line}\`: ${p} does not exist`);
      }
    }
    expect(seen).toBeGreaterThan(2);
    expect(problems).toEqual([]);
  });

  it('a YAML example headed `# scenarios/NAME.yaml` is that shipped file (comments aside), so commands naming it run', () => {
    const strip = (t: string) => t.split('\n').filter((l) => !/^\s*#/.test(l) && l.trim() !== '').join('\n');
    let seen = 0;
    for (const file of DOCS) {
      for (const m of read(file).matchAll(/```yaml\n# (scenarios\/[\w.-]+\.yaml)\n([\s\S]*?)```/g)) {
        seen++;
        expect(existsSync(join(ROOT, m[1]!)), `${file} shows ${m[1]}`).toBe(true);
        expect(strip(read(m[1]!)), `${file}: ${m[1]}`).toBe(strip(m[2]!));
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('the checks catch a drifted flag and a missing file (the test itself can fail)', () => {
    const h = help('run');
    expect(/(^|[\s,])--runs\b/m.test(h)).toBe(true);
    expect(/(^|[\s,])--no-such-flag\b/m.test(h)).toBe(false);
    expect(repoPaths(['scenarios/no-such.yaml', 'results/x', 'scenarios/<name>.yaml'])).toEqual(['scenarios/no-such.yaml']);
  });
});
