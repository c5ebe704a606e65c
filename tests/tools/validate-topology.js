#!/usr/bin/env node
// tests/tools/validate-topology.js SCHEMA MANIFEST
//
// Validates topology files against schemas/topology.schema.json in one
// process (used by tests/schema.sh).
//
// MANIFEST: one case per line, tab-separated:
//   LABEL  EXPECT  PATH  [WANT_PATH]
// EXPECT is "valid" or "invalid". PATH ending in .json is read as JSON;
// anything else as YAML, twice: as YAML 1.1 (what the spec says and what the
// tool reads) and as YAML 1.2 core (the YAML language server's default).
// The verdict must be the same both times. For "invalid", WANT_PATH (a JSON
// pointer, e.g. /vms/0/name) must be the instancePath of one of the errors,
// so a case cannot pass by failing for an unrelated reason.
//
// YAML -> JSON like an editor does: duplicate keys are an error, merge keys
// (<<) stay plain keys, anchors and aliases are refused (the tool refuses
// them too), and the result goes through JSON.stringify (dates -> strings).
//
// Prints the case "compiles (ajv strict, draft-07)" first, then one line per
// case: LABEL <TAB> PASS|FAIL <TAB> detail. Exit status 0 unless it could
// not run at all.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv = require('ajv');

const [schemaPath, manifestPath] = process.argv.slice(2);
if (!schemaPath || !manifestPath) {
    console.error('usage: validate-topology.js SCHEMA MANIFEST');
    process.exit(64);
}

const out = (label, ok, detail) =>
    process.stdout.write(`${label}\t${ok ? 'PASS' : 'FAIL'}\t${String(detail).replace(/[\t\n]+/g, ' ')}\n`);

let validate;
try {
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
    // strict: true = strictSchema, strictNumbers, strictTypes, strictTuples
    // and strictRequired all as errors (no union types either).
    const ajv = new Ajv({ strict: true, allErrors: true, verbose: true });
    validate = ajv.compile(schema);
    out('compiles (ajv strict, draft-07)', true, `${path.basename(schemaPath)}`);
} catch (e) {
    out('compiles (ajv strict, draft-07)', false, e.message);
    process.exit(0);
}

function yamlToData(text, version) {
    const doc = YAML.parseDocument(text, { version, uniqueKeys: true, merge: false, prettyErrors: false });
    if (doc.errors.length)
        throw new Error(`YAML ${version}: ${doc.errors[0].message.split('\n')[0]}`);
    let refused = null;
    YAML.visit(doc, (key, node) => {
        if (refused)
            return YAML.visit.BREAK;
        if (YAML.isAlias(node))
            refused = `alias *${node.source}`;
        else if (node && node.anchor)
            refused = `anchor &${node.anchor}`;
        return undefined;
    });
    if (refused)
        throw new Error(`YAML ${version}: ${refused} refused (anchors and aliases are not supported)`);
    const js = doc.toJS();
    return js === undefined ? null : JSON.parse(JSON.stringify(js));
}

// The most useful errors first: anyOf/if wrappers, the `null` alternative of
// nullable keys and the "must be integer" of a failed string alternative are
// noise once a more specific error exists at that place.
function errorsText(errors) {
    const specific = new Set(errors
        .filter((e) => !['type', 'anyOf', 'if', 'not'].includes(e.keyword))
        .map((e) => e.instancePath));
    let shown = errors.filter((e) =>
        !['anyOf', 'if'].includes(e.keyword) &&
        !(e.keyword === 'type' && (e.params.type === 'null' || specific.has(e.instancePath))));
    if (!shown.length)
        shown = errors;
    const texts = [...new Set(shown.map((e) => {
        let m = `${e.instancePath || '/'}: ${e.message}`;
        if (e.keyword === 'pattern' && e.params.pattern.length > 40)
            m = `${e.instancePath || '/'}: must match pattern (${e.parentSchema && e.parentSchema.title || 'see the schema'})`;
        if (e.params.additionalProperty)
            m += ` '${e.params.additionalProperty}'`;
        if (e.params.allowedValues)
            m += ` ${JSON.stringify(e.params.allowedValues)}`;
        if (e.params.allowedValue !== undefined)
            m += ` ${JSON.stringify(e.params.allowedValue)}`;
        if (e.keyword === 'not')
            m = `${e.instancePath || '/'}: not allowed here${e.parentSchema && e.parentSchema.description ? ` (${e.parentSchema.description})` : ''}`;
        return m;
    }))];
    return texts.slice(0, 4).join('; ') + (texts.length > 4 ? `; ... (${texts.length} errors)` : '');
}

// -> { valid: bool, paths: Set, detail: string } or throws on unreadable input
function check(data) {
    if (validate(data))
        return { valid: true, paths: new Set(), detail: 'valid' };
    const errs = validate.errors;
    return { valid: false, paths: new Set(errs.map((e) => e.instancePath || '/')), detail: errorsText(errs) };
}

const lines = fs.readFileSync(manifestPath, 'utf8').split('\n').filter((l) => l.length);
for (const line of lines) {
    const [label, expect, file, wantPath] = line.split('\t');
    let results;
    try {
        const text = fs.readFileSync(file, 'utf8');
        results = file.endsWith('.json')
            ? [['JSON', check(JSON.parse(text))]]
            : ['1.1', '1.2'].map((v) => [`YAML ${v}`, check(yamlToData(text, v))]);
    } catch (e) {
        // unreadable or unparsable input counts as "invalid", never as a pass of a "valid" case
        out(label, expect === 'invalid' && !wantPath, `not validated: ${e.message}`);
        continue;
    }
    const modes = results.map(([m]) => m).join(', ');
    if (expect === 'valid') {
        const bad = results.filter(([, r]) => !r.valid);
        if (bad.length)
            out(label, false, bad.map(([m, r]) => `${m}: ${r.detail}`).join(' | '));
        else
            out(label, true, `valid (${modes})`);
    } else {
        const ok = results.filter(([, r]) => !r.valid && (!wantPath || r.paths.has(wantPath)));
        if (ok.length === results.length) {
            out(label, true, `rejected (${modes}): ${results[0][1].detail}`);
        } else {
            const bad = results.filter(([, r]) => r.valid || (wantPath && !r.paths.has(wantPath)));
            out(label, false, bad.map(([m, r]) => r.valid
                ? `${m}: accepted, want an error at ${wantPath || 'any path'}`
                : `${m}: no error at ${wantPath}; got ${r.detail}`).join(' | '));
        }
    }
}
