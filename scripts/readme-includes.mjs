#!/usr/bin/env node
// Keeps the Markdown docs' code examples tied to files that tests run (issue 11's README convention).
// A fenced block preceded by `<!-- include: path -->` must equal that file (path relative to the
// Markdown file); any other ts/js block must be marked `<!-- fragment -->` as deliberately not run.
//
//   node scripts/readme-includes.mjs            check; print each violation as file:line, exit 1 if any
//   node scripts/readme-includes.mjs --write    rewrite every included block from its file, then check
//   node scripts/readme-includes.mjs --root D   check the docs under D instead of this repository
import { readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Languages whose blocks look runnable, so they must be either included or marked fragments. */
const CODE_LANGUAGES = new Set(['ts', 'typescript', 'tsx', 'mts', 'cts', 'js', 'javascript', 'jsx', 'mjs', 'cjs']);
const INCLUDE = /^\s*<!--\s*include:\s*(\S+)\s*-->\s*$/;
const FRAGMENT = /^\s*<!--\s*fragment\s*-->\s*$/;
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)?.*$/;
/** Folders never searched for docs: dependencies, builds, tool state (.git, .venv, .changeset). */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '__pycache__']);

/** Markdown files of the repository root (top level and docs/), packages/* and apps/*, recursively. */
export function findMarkdownFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) out.push(path);
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) out.push(join(root, entry.name));
  }
  for (const top of ['docs', 'packages', 'apps']) {
    const dir = join(root, top);
    if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  }
  return out.sort();
}

/**
 * The fenced blocks of one Markdown text: opening line index (0-based), closing line index, fence,
 * language, content lines (indentation of the fence removed), and the marker line above it if any.
 */
export function parseBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang = ''] = open;
    let close = i + 1;
    for (; close < lines.length; close++) {
      const m = /^( {0,3})(`{3,}|~{3,})\s*$/.exec(lines[close]);
      if (m && m[2][0] === fence[0] && m[2].length >= fence.length) break;
    }
    // An unclosed fence runs to the end of the document (CommonMark).
    const content = lines.slice(i + 1, close).map((l) => stripIndent(l, indent.length));
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === '') above--;
    const marker = above >= 0 ? lines[above] : '';
    const include = INCLUDE.exec(marker);
    blocks.push({
      open: i,
      close: Math.min(close, lines.length),
      indent,
      fence,
      lang: lang.toLowerCase(),
      content,
      include: include ? include[1] : null,
      fragment: FRAGMENT.test(marker),
    });
    i = close;
  }
  return { lines, blocks };
}

function stripIndent(line, n) {
  let k = 0;
  while (k < n && line[k] === ' ') k++;
  return line.slice(k);
}

/** File text as block content: line endings normalised, trailing newlines dropped. */
function asBlockText(text) {
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

/** Checks one Markdown file; with `write`, first rewrites its included blocks. Returns violations. */
export function checkMarkdown(path, { write = false, root = dirname(path) } = {}) {
  const name = relative(root, path) || path;
  const violations = [];
  let { lines, blocks } = parseBlocks(readFileSync(path, 'utf8'));
  if (write) {
    let changed = false;
    // Back to front, so earlier blocks' line numbers stay valid while later ones change length.
    for (const block of [...blocks].reverse()) {
      if (!block.include) continue;
      const target = resolve(dirname(path), block.include);
      if (!existsSync(target)) continue; // reported by the check below
      const want = asBlockText(readFileSync(target, 'utf8'));
      if (want === block.content.join('\n')) continue;
      const fence = fenceFor(want, block.fence);
      const body = want === '' ? [] : want.split('\n').map((l) => (l === '' ? l : block.indent + l));
      const opening = block.indent + fence + lines[block.open].slice(block.indent.length + block.fence.length);
      lines.splice(block.open, block.close - block.open + 1, opening, ...body, block.indent + fence);
      changed = true;
    }
    if (changed) {
      writeFileSync(path, lines.join('\n'));
      ({ lines, blocks } = parseBlocks(lines.join('\n')));
    }
  }
  for (const block of blocks) {
    const at = `${name}:${block.open + 1}`;
    if (block.include) {
      const target = resolve(dirname(path), block.include);
      if (!existsSync(target) || !statSync(target).isFile()) {
        violations.push(`${at}: included file ${block.include} does not exist (path is relative to ${name})`);
        continue;
      }
      const want = asBlockText(readFileSync(target, 'utf8'));
      const got = block.content.join('\n');
      if (want !== got) {
        violations.push(`${at}: block differs from ${block.include} (${firstDifference(want, got)}); run node scripts/readme-includes.mjs --write`);
      }
    } else if (!block.fragment && CODE_LANGUAGES.has(block.lang)) {
      violations.push(
        `${at}: \`\`\`${block.lang} block is neither included from a file (<!-- include: examples/<name>.${block.lang} -->) nor marked <!-- fragment -->`,
      );
    }
  }
  return violations;
}

/** A fence longer than any fence-like line inside the content, so the content cannot close it. */
function fenceFor(content, fence) {
  let longest = fence.length - 1;
  for (const line of content.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m && m[1][0] === fence[0]) longest = Math.max(longest, m[1].length);
  }
  return fence[0].repeat(Math.max(fence.length, longest + 1));
}

function firstDifference(want, got) {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      if (i >= a.length) return `block has extra line ${i + 1}`;
      if (i >= b.length) return `block lacks the file's line ${i + 1}`;
      return `first difference at line ${i + 1} of the file`;
    }
  }
  return 'whitespace differs';
}

/** Checks (and with `write`, first rewrites) every doc under `root`; returns all violations. */
export function checkRepository(root, { write = false } = {}) {
  return findMarkdownFiles(root).flatMap((path) => checkMarkdown(path, { write, root }));
}

function main(argv) {
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let write = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--write') write = true;
    else if (argv[i] === '--root' && argv[i + 1]) root = resolve(argv[++i]);
    else {
      console.error(`readme-includes: unknown argument ${argv[i]} (expected --write, --root <dir>)`);
      return 2;
    }
  }
  const violations = checkRepository(root, { write });
  for (const v of violations) console.log(v);
  if (violations.length > 0) {
    console.log(`\n${violations.length} README example violation(s). Keep runnable examples as files (e.g. packages/<pkg>/examples/<name>.ts) run by a test, include them with <!-- include: path -->, or mark a block <!-- fragment -->.`);
    return 1;
  }
  console.log(`readme-includes: ${findMarkdownFiles(root).length} Markdown files checked, no violations`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
