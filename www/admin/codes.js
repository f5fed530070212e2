// Prize codes from an uploaded file: a plain list or a CSV export, one code
// a line (a CSV's first column). Read in the browser, so the editor shows
// what it found before anything is sent.

/**
 * parseCodes("code\nA1\nA2\nA1\n", ["A0"]) → {codes: ["A1", "A2"], duplicates: 1, header: "code"}.
 * Cells are trimmed and empty lines skipped; a first line that does not look
 * like a code is a header and skipped; a code already in the file or in
 * `known` counts as a duplicate and is left out.
 */
export function parseCodes(text, known = []) {
  const cells = text
    .replace(/^\uFEFF/, "") // the byte order mark spreadsheet programs write
    .split(/\r\n|\n|\r/)
    .map((line) => firstCell(line.trim()).trim())
    .filter(Boolean);
  const header = cells.length > 1 && isHeader(cells[0], cells.slice(1)) ? cells.shift() : null;
  const seen = new Set(known);
  const codes = [];
  let duplicates = 0;
  for (const code of cells) {
    if (seen.has(code)) {
      duplicates += 1;
    } else {
      seen.add(code);
      codes.push(code);
    }
  }
  return { codes, duplicates, header };
}

/** A CSV line's first cell: quoted (`"a,b"`, `""` for a quote) or up to `,`, `;` or a tab. */
function firstCell(line) {
  if (!line.startsWith('"')) return line.split(/[,;\t]/, 1)[0];
  let cell = "";
  for (let i = 1; i < line.length; i++) {
    if (line[i] !== '"') cell += line[i];
    else if (line[i + 1] === '"') cell += line[++i];
    else break;
  }
  return cell;
}

/**
 * Whether a first line names the column rather than holds a code: it has a
 * space ("Promo code"), or it is a word without digits while the codes
 * below mostly have some ("code", "Voucher").
 */
function isHeader(first, rest) {
  if (/\s/.test(first)) return true;
  if (/\d/.test(first)) return false;
  const withDigits = rest.filter((code) => /\d/.test(code)).length;
  return withDigits * 2 >= rest.length || /^(codes?|coupons?|vouchers?)$/i.test(first);
}
