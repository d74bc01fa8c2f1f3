#!/usr/bin/env node
// Builds the engine's Solidity interfaces and its cores' routing tables from the programs
// themselves:
//   - abi/IVault.sol and abi/IClearinghouse.sol: each program family's functions (export-abi),
//     with NatSpec and named return values taken from the Rust doc comments of the `#[public]`
//     functions, and the errors and events the programs compile (`src/sol/{Errors,Events}.sol` of
//     the family's library and of `contracts/common`);
//   - contracts/<family>/core/src/routes.rs: every function of the family's facets and the facet
//     that runs it.
//   node script/abi-gen.js routes <out dir> <family>-<facet>=<export-abi>...
//   node script/abi-gen.js interfaces <out dir> vault-core=<export-abi> vault-<facet>=<…>... clearinghouse-core=<…> clearinghouse-<facet>=<…>...
// Fails when a function has no doc comment, when its doc names a different number of return
// values than it returns, or when the errors a program exports and the declarations differ.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const fail = (msg) => {
  process.stderr.write(`abi-gen: ${msg}\n`);
  process.exit(1);
};

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

// The programs, named as in contracts/programs.tsv: `<family>-core` and every other
// `<family>-<part>` (a facet) of the families `vault` and `clearinghouse`, whose Rust source is
// contracts/<family>/<part>/src/lib.rs, whose errors and events are declared in
// contracts/<family>/lib/src/sol, and whose `Facet` variant is <Part>.
const families = ['vault', 'clearinghouse'];
const common = path.join(root, 'contracts', 'common', 'src');
const solOf = (family) => path.join(root, 'contracts', family, 'lib', 'src', 'sol');
const [mode, outDir, ...pairs] = process.argv.slice(2);
if (!['routes', 'interfaces'].includes(mode)) fail(`unknown mode ${mode}`);
const programs = {};
for (const pair of pairs) {
  const [name, file] = pair.split('=');
  const exported = fs.readFileSync(file, 'utf8');
  const family = families.find((f) => name.startsWith(`${f}-`));
  if (!family) fail(`unknown program ${name}`);
  const part = name.slice(family.length + 1);
  programs[name] = {
    family,
    source: path.join(root, 'contracts', family, part, 'src', 'lib.rs'),
    sol: solOf(family),
    facet: part === 'core' ? undefined : part[0].toUpperCase() + part.slice(1),
    exported,
  };
}
const facetsOf = (family) => Object.values(programs).filter((p) => p.facet && p.family === family);
const facets = Object.values(programs).filter((p) => p.facet);
if (!facets.length) fail('no facet given');
if (mode === 'interfaces')
  for (const family of families) {
    if (!programs[`${family}-core`]) fail(`no export-abi for ${family}-core`);
    if (!facetsOf(family).length) fail(`no export-abi for a ${family} facet`);
  }
if (mode === 'routes' && new Set(facets.map((p) => p.family)).size !== 1) fail('routes: the facets of one family');

// "function foo(uint8 a, int128[] memory b) external view returns (int256, bool);"
function parseFunction(line) {
  const m = line.match(/^function\s+(\w+)\s*\(([^)]*)\)\s*([^;]*?)(?:\s*returns\s*\((.*)\))?\s*;$/);
  if (!m) fail(`cannot read: ${line}`);
  const split = (list) => (list.trim() ? list.split(',').map((x) => x.trim()) : []);
  return { name: m[1], params: split(m[2]), modifiers: m[3].trim(), returns: m[4] === undefined ? [] : split(m[4]) };
}

function exportedFunctions(p) {
  return p.exported
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('function '))
    .map((l) => parseFunction(l.replace(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b/g, camel)));
}

// The `///` comments right above each `pub fn` of the source's `#[public]` impl, by camelCase name.
function docsOf(source) {
  const lines = fs.readFileSync(source, 'utf8').split('\n');
  const docs = {};
  let pending = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('///')) {
      pending.push(line.replace(/^\/\/\/ ?/, ''));
      continue;
    }
    const fn = line.match(/^pub fn (\w+)/);
    if (fn) docs[camel(fn[1])] = pending;
    if (!line.startsWith('#[')) pending = [];
  }
  return docs;
}

// Splits a doc comment into its notice, its named returns and its errors paragraph:
//   <notice>
//   Returns `name`: description.            (one value)
//   Returns:                                  (several)
//   - `name`: description
//   Errors: `A`, `B`.
function readDoc(fnName, lines) {
  const notice = [];
  const returns = [];
  const errors = [];
  let section = 'notice';
  for (const line of lines) {
    const single = line.match(/^Returns `(\w+)`: (.*)$/);
    if (single) {
      returns.push({ name: single[1], text: [single[2]] });
      section = 'returns';
    } else if (/^Returns:$/.test(line)) {
      section = 'returns';
    } else if (line.startsWith('Errors:')) {
      errors.push(line);
      section = 'errors';
    } else if (section === 'returns' && line.startsWith('- `')) {
      const m = line.match(/^- `(\w+)`: (.*)$/);
      if (!m) fail(`${fnName}: cannot read the return value "${line}"`);
      returns.push({ name: m[1], text: [m[2]] });
    } else if (line === '') {
      if (section === 'notice' && notice.length) notice.push('');
    } else if (section === 'returns' && returns.length) {
      returns[returns.length - 1].text.push(line.trim());
    } else if (section === 'errors') {
      errors.push(line);
    } else {
      notice.push(line);
    }
  }
  while (notice.length && notice[notice.length - 1] === '') notice.pop();
  return { notice, returns, errors };
}

function natspec(tag, lines) {
  return lines.map((l, i) => (i === 0 ? `/// @${tag} ${l}` : `///      ${l}`.trimEnd()));
}

function functionText(program, f, docs) {
  const doc = docs[f.name];
  if (!doc || !doc.length) fail(`${program}: function ${f.name} has no doc comment`);
  const { notice, returns, errors } = readDoc(f.name, doc);
  if (!notice.length) fail(`${program}: function ${f.name} has no description`);
  if (returns.length !== f.returns.length)
    fail(`${program}: ${f.name} returns ${f.returns.length} values but its doc names ${returns.length}`);
  const out = [...natspec('notice', notice.filter((l, i, a) => !(l === '' && a[i - 1] === '')))];
  if (errors.length) out.push(...natspec('dev', errors));
  returns.forEach((r, i) => out.push(...natspec('return', [`${r.name} ${r.text[0]}`, ...r.text.slice(1)])));
  const named = f.returns.map((t, i) => `${t} ${returns[i].name}`);
  const tail = named.length ? ` returns (${named.join(', ')})` : '';
  out.push(`function ${f.name}(${f.params.join(', ')}) ${f.modifiers}${tail};`);
  return out.map((l) => `    ${l}`).join('\n');
}

// "error Foo(address a, uint256 b);" -> "Foo(address,uint256)"
const signature = (decl) => {
  const m = decl.match(/^error\s+(\w+)\s*\(([^)]*)\)/);
  const types = m[2]
    .split(',')
    .map((p) => p.trim().split(/\s+/)[0])
    .filter(Boolean);
  return `${m[1]}(${types.join(',')})`;
};

// Each declaration of a Solidity file with its doc comment: [{ name, signature, text }].
function declarations(file, kind) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  let doc = [];
  let current = null;
  for (const line of text.split('\n')) {
    if (current) {
      current.push(line);
      if (line.includes(';')) {
        const t = current.join('\n');
        out.push({ name: t.match(/^\w+\s+(\w+)/)[1], signature: kind === 'error' ? signature(t.replace(/\s+/g, ' ')) : null, text: [...doc, t].join('\n') });
        current = null;
        doc = [];
      }
    } else if (line.startsWith('///')) {
      doc.push(line);
    } else if (line.startsWith(`${kind} `)) {
      current = [line];
      if (line.includes(';')) {
        out.push({ name: line.match(/^\w+\s+(\w+)/)[1], signature: kind === 'error' ? signature(line) : null, text: [...doc, line].join('\n') });
        current = null;
        doc = [];
      }
    }
  }
  return out;
}

const indent = (text) =>
  text
    .split('\n')
    .map((l) => (l.length ? `    ${l}` : l))
    .join('\n');

function iface({ name, notice, members, solDir }) {
  const exportedErrors = new Set();
  for (const p of members)
    for (const l of p.exported.split('\n').map((x) => x.trim()))
      if (l.startsWith('error ')) exportedErrors.add(signature(l));
  const commonErrors = declarations(path.join(common, 'sol', 'Errors.sol'), 'error');
  const ownErrors = declarations(path.join(solDir, 'Errors.sol'), 'error');
  for (const e of ownErrors)
    if (!exportedErrors.has(e.signature)) fail(`${name}: ${e.signature} is declared but no function reverts with it`);
  const declared = new Set([...commonErrors, ...ownErrors].map((e) => e.signature));
  for (const e of exportedErrors) if (!declared.has(e)) fail(`${name}: the programs revert with ${e}, declared nowhere`);
  const errors = [...commonErrors.filter((e) => exportedErrors.has(e.signature)), ...ownErrors];
  const events = [...declarations(path.join(common, 'sol', 'Events.sol'), 'event'), ...declarations(path.join(solDir, 'Events.sol'), 'event')];
  const functions = [];
  for (const p of members) {
    const docs = docsOf(p.source);
    for (const f of exportedFunctions(p)) functions.push(functionText(p.label, f, docs));
  }
  return `// SPDX-License-Identifier: MIT
// Generated by script/abi.sh from the programs (export-abi), the doc comments of their public
// functions and their src/sol/{Events,Errors}.sol (with contracts/common's). Do not edit: change
// the programs and regenerate; \`script/abi.sh --check\` fails when this file is stale.
pragma solidity ^0.8.24;

/// @title ${name}
${notice}
interface ${name} {
    // Events
${indent(events.map((e) => e.text).join('\n'))}

    // Errors
${indent(errors.map((e) => e.text).join('\n'))}

    // Functions
${functions.join('\n\n')}
}
`;
}

for (const [label, p] of Object.entries(programs)) p.label = label;

if (mode === 'interfaces') {
fs.writeFileSync(
  path.join(outDir, 'IVault.sol'),
  iface({
    name: 'IVault',
    notice: `/// @notice The portfolio-margin engine's collateral vault: listed ERC-20 collateral with haircuts
/// and Chainlink prices, balances, settlement-token debt, margin-checked withdrawals. Every
/// function answers at the vault's (core) address. USD figures have 18 decimals; token amounts
/// are in the token's own units. Every failure is one of the custom errors below.`,
    members: [programs['vault-core'], ...facetsOf('vault')],
    solDir: solOf('vault'),
  }),
);

fs.writeFileSync(
  path.join(outDir, 'IClearinghouse.sol'),
  iface({
    name: 'IClearinghouse',
    notice: `/// @notice The portfolio-margin engine's clearinghouse: positions, markets and margin checks. Every
/// function answers at the clearinghouse's (core) address. Sizes, prices and USD figures have 18
/// decimals; an instrument id packs underlying, kind (0 perp, 1 future, 2 call, 3 put), expiry and
/// strike (8 decimals): see \`instrumentId\`.`,
    members: [programs['clearinghouse-core'], ...facetsOf('clearinghouse')],
    solDir: solOf('clearinghouse'),
  }),
);

}

// The core's routing table.
if (mode === 'routes') {
const routes = [];
for (const p of facets)
  for (const f of exportedFunctions(p)) {
    const types = f.params.map((x) => x.split(/\s+/)[0]);
    routes.push(`    ("${f.name}(${types.join(',')})", Facet::${p.facet}),`);
  }
fs.writeFileSync(
  path.join(outDir, 'routes.rs'),
  `//! Generated by script/abi.sh from the facets' interfaces (export-abi): every function a facet
//! exports, as its canonical signature, and the facet that runs it. Do not edit: change a facet
//! and regenerate; \`script/abi.sh --check\` fails when this file is stale.

use pm_${facets[0].family}::Facet;

/// Every function of the facets and the facet that runs it.
pub const ROUTES: [(&str, Facet); ${routes.length}] = [
${routes.join('\n')}
];
`,
);
}
