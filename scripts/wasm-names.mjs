// Shortens the names that link the wasm module to its wasm-bindgen glue.
//
// wasm-bindgen names every import after the JS function it calls plus a
// hash (`__wbg_setAttribute_f75317b2b5cabfb4`), and some exports after a
// Rust symbol hash. Each name is written twice, in the wasm and in the glue,
// and hashes do not compress: about a tenth of the gzipped embed. Here every
// import and export gets a short name in both files. (wasm-opt's
// --minify-imports only renames imports from the "env" module.)

const IMPORT_SECTION = 2;
const EXPORT_SECTION = 7;

/** Unsigned LEB128 at `pos`: [value, next position]. */
function readU32(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
    shift += 7;
  }
}

function writeU32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

function readName(bytes, pos) {
  const [length, start] = readU32(bytes, pos);
  return [Buffer.from(bytes.subarray(start, start + length)).toString("utf8"), start + length];
}

function writeName(name) {
  const utf8 = Buffer.from(name, "utf8");
  return [...writeU32(utf8.length), ...utf8];
}

/** The end of a limits structure (tables, memories). */
function skipLimits(bytes, pos) {
  const flags = bytes[pos++];
  [, pos] = readU32(bytes, pos);
  if (flags & 1) [, pos] = readU32(bytes, pos);
  return pos;
}

/** The end of an import's description, which starts with its kind byte. */
function skipImportDesc(bytes, pos) {
  const kind = bytes[pos++];
  switch (kind) {
    case 0: // function: type index
      return readU32(bytes, pos)[1];
    case 1: // table: reference type, limits
      return skipLimits(bytes, pos + 1);
    case 2: // memory: limits
      return skipLimits(bytes, pos);
    case 3: // global: value type, mutability
      return pos + 2;
    case 4: // tag: attribute, type index
      return readU32(bytes, pos + 1)[1];
    default:
      throw new Error(`unknown import kind ${kind}`);
  }
}

/** Short names: a, b, ..., Z, aa, ab, ... (never a JS keyword of two letters). */
function* shortNames() {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (let length = 1; ; length++) {
    const count = letters.length ** length;
    for (let n = 0; n < count; n++) {
      let name = "";
      for (let i = 0, rest = n; i < length; i++, rest = Math.floor(rest / letters.length)) {
        name = letters[rest % letters.length] + name;
      }
      if (!["do", "if", "in"].includes(name)) yield name;
    }
  }
}

/**
 * Renames the imports of `module` and every export except those in `keep`.
 * Returns the new wasm and the glue with the same renames; throws if an old
 * name is left in the glue, so a change in wasm-bindgen's output cannot
 * slip through unnoticed.
 */
export function shortenNames(wasm, glue, { module, keep = [] }) {
  const names = shortNames();
  const imports = new Map();
  const exports = new Map();
  const out = [wasm.subarray(0, 8)];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = readU32(wasm, pos + 1);
    const end = start + size;
    if (id !== IMPORT_SECTION && id !== EXPORT_SECTION) {
      out.push(wasm.subarray(pos, end));
      pos = end;
      continue;
    }
    const body = [];
    let [count, p] = readU32(wasm, start);
    body.push(...writeU32(count));
    for (let i = 0; i < count; i++) {
      if (id === IMPORT_SECTION) {
        const [from, afterModule] = readName(wasm, p);
        const [field, afterField] = readName(wasm, afterModule);
        const descEnd = skipImportDesc(wasm, afterField);
        let name = field;
        if (from === module) {
          name = imports.get(field) ?? names.next().value;
          imports.set(field, name);
        }
        body.push(...writeName(from === module ? "a" : from), ...writeName(name));
        body.push(...wasm.subarray(afterField, descEnd));
        p = descEnd;
      } else {
        const [field, afterField] = readName(wasm, p);
        const descEnd = readU32(wasm, afterField + 1)[1];
        let name = field;
        if (!keep.includes(field)) {
          name = names.next().value;
          exports.set(field, name);
        }
        body.push(...writeName(name), ...wasm.subarray(afterField, descEnd));
        p = descEnd;
      }
    }
    out.push(Buffer.from([id, ...writeU32(body.length), ...body]));
    pos = end;
  }

  let js = glue;
  const replaceAll = (pattern, replacement, required = true) => {
    const before = js;
    js = js.split(pattern).join(replacement);
    if (required && js === before) throw new Error(`wasm-names: ${JSON.stringify(pattern)} not found in the glue`);
  };
  // Each import is one key of the glue's import object.
  for (const [old, short] of imports) {
    if (js.split(`${old}:`).length !== 2) throw new Error(`wasm-names: ${old} is not one key of the glue`);
    replaceAll(`${old}:`, `${short}:`);
  }
  for (const [old, short] of exports) {
    // Replacing `wasm.NAME` would also hit `wasm.NAMEMORE`: make sure no
    // name starts another.
    for (const other of exports.keys()) {
      if (other !== old && other.startsWith(old)) throw new Error(`wasm-names: ${old} prefixes ${other}`);
    }
    // Some exports (wasm-bindgen's abort hooks) are not used by this glue.
    replaceAll(`wasm.${old}`, `wasm.${short}`, false);
  }
  replaceAll(`${JSON.stringify(module)}: import0`, `"a": import0`);
  // The glue reads exports only as `wasm.NAME`, replaced above; its own
  // functions may share an export's name (esbuild renames those).
  const left = [...imports.keys()].filter((old) => js.includes(old));
  if (left.length) throw new Error(`wasm-names: still in the glue: ${left.join(", ")}`);
  return { wasm: Buffer.concat(out), glue: js };
}
