#!/usr/bin/env node
// Helper for tests/sarif.sh: checks captured `xenshm-compose check` outputs
// beyond what the JSON schema says. Schema validation itself is done by
// ajv-cli; this only checks that each output is one strict JSON document in
// valid UTF-8 and, for SARIF, a few consistency rules.
//
// Usage: node check-output.js MANIFEST
// MANIFEST lines: ID <TAB> MODE(sarif|json) <TAB> EXIT_CODE <TAB> OUTPUT_FILE
// Prints one line per entry: ID <TAB> OK|FAIL <TAB> PARSED(1|0) <TAB> detail.
'use strict';
const fs = require('fs');

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function oneLine(s) {
  return String(s).replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 300);
}

function parseStrict(buf) {
  if (buf.length === 0) throw new Error('empty output');
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch (e) {
    throw new Error('output is not valid UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) throw new Error('output starts with a BOM');
  try {
    return JSON.parse(text);
  } catch (e) {
    // Tell "several JSON documents" apart from plain garbage: helps decide
    // whether the tool printed JSON Lines instead of one document.
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => { try { JSON.parse(l); return true; } catch (_) { return false; } })) {
      throw new Error(`not one JSON document: ${lines.length} JSON values on separate lines (JSON Lines)`);
    }
    throw new Error(`invalid JSON: ${e.message}`);
  }
}

function effectiveLevel(result, rules) {
  if (typeof result.level === 'string') return result.level;
  if (Number.isInteger(result.ruleIndex) && rules[result.ruleIndex]) {
    const dc = rules[result.ruleIndex].defaultConfiguration;
    if (dc && typeof dc.level === 'string') return dc.level;
  }
  return 'warning'; // SARIF 2.1.0 §3.27.10 default
}

function checkSarif(log, rc) {
  if (log === null || typeof log !== 'object' || Array.isArray(log)) throw new Error('top level is not an object');
  if (log.version !== '2.1.0') throw new Error(`version is ${JSON.stringify(log.version)}, want "2.1.0"`);
  if (!Array.isArray(log.runs) || log.runs.length === 0) throw new Error('no runs');
  let errors = 0, total = 0, fatalNotes = 0;
  for (const [ri, run] of log.runs.entries()) {
    const driver = run && run.tool && run.tool.driver;
    if (!driver || typeof driver.name !== 'string' || driver.name === '') throw new Error(`runs[${ri}].tool.driver.name missing`);
    const rules = Array.isArray(driver.rules) ? driver.rules : [];
    for (const [k, rule] of rules.entries()) {
      if (!KEBAB.test(rule.id)) throw new Error(`rules[${k}].id ${JSON.stringify(rule.id)} is not a kebab-case check name`);
    }
    for (const inv of run.invocations || []) {
      for (const n of inv.toolExecutionNotifications || []) if (n.level === 'error') fatalNotes++;
    }
    for (const [k, res] of (run.results || []).entries()) {
      total++;
      const where = `runs[${ri}].results[${k}]`;
      if (!KEBAB.test(res.ruleId || '')) throw new Error(`${where}.ruleId ${JSON.stringify(res.ruleId)} is not a kebab-case check name`);
      if (Number.isInteger(res.ruleIndex)) {
        const r = rules[res.ruleIndex];
        if (!r) throw new Error(`${where}.ruleIndex ${res.ruleIndex} has no rule`);
        if (r.id !== res.ruleId) throw new Error(`${where}.ruleIndex points at rule ${JSON.stringify(r.id)}, ruleId is ${JSON.stringify(res.ruleId)}`);
      }
      const loc = res.locations && res.locations[0];
      const region = loc && loc.physicalLocation && loc.physicalLocation.region;
      if (!region || !Number.isInteger(region.startLine) || region.startLine < 1 || !Number.isInteger(region.startColumn) || region.startColumn < 1) {
        throw new Error(`${where} has no physicalLocation.region with startLine and startColumn (every diagnostic has FILE:LINE:COL)`);
      }
      if (effectiveLevel(res, rules) === 'error') errors++;
    }
  }
  if (rc === 0 && errors > 0) throw new Error(`exit 0 but ${errors} error-level result(s)`);
  if ((rc === 1 || rc === 2) && errors === 0 && fatalNotes === 0) throw new Error(`exit ${rc} but no error-level result (nor error toolExecutionNotification)`);
  return `${total} result(s), ${errors} error(s)`;
}

function main() {
  const manifest = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  for (const line of manifest) {
    const [id, mode, rcText, file] = line.split('\t');
    const rc = Number(rcText);
    let parsed = 0;
    try {
      const doc = parseStrict(fs.readFileSync(file));
      parsed = 1;
      let detail = 'valid JSON';
      if (mode === 'sarif') detail = checkSarif(doc, rc);
      else if (doc === null || typeof doc !== 'object') throw new Error('top level is not an object or array');
      process.stdout.write(`${id}\tOK\t${parsed}\t${oneLine(detail)}\n`);
    } catch (e) {
      process.stdout.write(`${id}\tFAIL\t${parsed}\t${oneLine(e.message)}\n`);
    }
  }
}

main();
