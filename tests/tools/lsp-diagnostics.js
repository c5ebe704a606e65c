#!/usr/bin/env node
// tests/tools/lsp-diagnostics.js SCHEMA FILE...
//
// Drives the real yaml-language-server (npm) over stdio, as an editor does:
// initialize, settings (validation on, no schema store: no network), then
// each FILE opened. Files that carry a `# yaml-language-server: $schema=`
// modeline are validated against it; the others against SCHEMA ("" for
// none), mapped by their URIs. Prints one line per diagnostic the server
// publishes: FILE <TAB> LINE (1-based) <TAB> message, and "FILE <TAB> 0 <TAB>
// none" for a file it published none for. Waits for the server's own
// publishDiagnostics of every file (an event, not a delay), then shuts it
// down. Exit status 0 unless the server could not be driven.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [schemaArg, ...files] = process.argv.slice(2);
const server = spawn(process.execPath,
  [require.resolve('yaml-language-server/bin/yaml-language-server'), '--stdio'],
  { stdio: ['pipe', 'pipe', 'inherit'] });

let nextId = 1;
const pending = new Map();
function send(msg) {
  const body = JSON.stringify(Object.assign({ jsonrpc: '2.0' }, msg));
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}

const uris = files.map((f) => pathToFileURL(path.resolve(f)).href);
const published = new Map();
let allPublished = null;
const allDone = new Promise((resolve) => { allPublished = resolve; });

let buf = Buffer.alloc(0);
server.stdout.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const head = buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const len = Number(/Content-Length: (\d+)/i.exec(buf.slice(0, head).toString())[1]);
    if (buf.length < head + 4 + len) return;
    const msg = JSON.parse(buf.slice(head + 4, head + 4 + len).toString());
    buf = buf.slice(head + 4 + len);
    if (msg.id !== undefined && pending.has(msg.id) && msg.method === undefined) {
      pending.get(msg.id)(msg.result);
      pending.delete(msg.id);
    } else if (msg.id !== undefined && msg.method) {
      // a request of the server's (configuration, capabilities): answered empty
      send({ id: msg.id, result: msg.method === 'workspace/configuration' ? msg.params.items.map(() => null) : null });
    } else if (msg.method === 'textDocument/publishDiagnostics') {
      published.set(msg.params.uri, msg.params.diagnostics);
      if (uris.every((u) => published.has(u))) allPublished();
    }
  }
});

const timer = setTimeout(() => {
  console.error(`lsp-diagnostics: no diagnostics for ${uris.filter((u) => !published.has(u)).length} files after 120 s`);
  process.exit(2);
}, 120000);

(async () => {
  await request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(process.cwd()).href,
    capabilities: { textDocument: { publishDiagnostics: {} } },
  });
  send({ method: 'initialized', params: {} });
  const schemas = {};
  // files without a modeline, by their paths (the server matches globs against them)
  if (schemaArg) schemas[pathToFileURL(path.resolve(schemaArg)).href] = files.filter(
    (f) => !/^# yaml-language-server: \$schema=/m.test(fs.readFileSync(f, 'utf8'))).map((f) => path.resolve(f));
  send({ method: 'workspace/didChangeConfiguration', params: { settings: { yaml: {
    validate: true, schemaStore: { enable: false }, schemas, customTags: [],
  } } } });
  files.forEach((f, i) => send({ method: 'textDocument/didOpen', params: { textDocument: {
    uri: uris[i], languageId: 'yaml', version: 1, text: fs.readFileSync(f, 'utf8') } } }));
  if (files.length) await allDone;
  clearTimeout(timer);
  files.forEach((f, i) => {
    const d = published.get(uris[i]);
    if (!d.length) console.log(`${f}\t0\tnone`);
    for (const x of d) console.log(`${f}\t${x.range.start.line + 1}\t${x.message.replace(/\s+/g, ' ')}`);
  });
  await request('shutdown', null);
  send({ method: 'exit' });
})().catch((e) => { console.error(`lsp-diagnostics: ${e.stack || e}`); process.exit(2); });
