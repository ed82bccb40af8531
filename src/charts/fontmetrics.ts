import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import { FONT_FILES } from './fonts.ts';

/**
 * Text widths from the shipped DejaVu fonts' own advance widths. Without a canvas, vega estimates
 * every glyph as 0.8 em, which leaves legends gappy and charts padded with empty space; vl-convert
 * solves the same problem the same way (a user-defined textMetrics.width).
 */
interface FontWidths {
  readonly unitsPerEm: number;
  readonly advance: (codePoint: number) => number;
}

function parseFont(buf: Buffer): FontWidths {
  const numTables = buf.readUInt16BE(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`font lacks table ${tag}`);
    return off;
  };
  const unitsPerEm = buf.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = buf.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const glyphAdvance = (g: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));

  // cmap format 4 subtable of the Windows Unicode BMP encoding (3,1) or Unicode (0,3).
  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < buf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + i * 8;
    const platform = buf.readUInt16BE(rec);
    const encoding = buf.readUInt16BE(rec + 2);
    const off = cmap + buf.readUInt32BE(rec + 4);
    if (buf.readUInt16BE(off) === 4 && ((platform === 3 && encoding === 1) || (platform === 0 && encoding === 3))) sub = off;
  }
  if (sub < 0) throw new Error('font lacks a format-4 Unicode cmap');
  const segCount = buf.readUInt16BE(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  const glyphOf = (cp: number): number => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (buf.readUInt16BE(endCodes + 2 * s) < cp) continue;
      const start = buf.readUInt16BE(startCodes + 2 * s);
      if (start > cp) return 0;
      const delta = buf.readInt16BE(idDeltas + 2 * s);
      const ro = buf.readUInt16BE(idRangeOffsets + 2 * s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = buf.readUInt16BE(idRangeOffsets + 2 * s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(cp) {
      let w = cache.get(cp);
      if (w === undefined) {
        w = glyphAdvance(glyphOf(cp));
        cache.set(cp, w);
      }
      return w;
    },
  };
}

let fonts: { regular: FontWidths; bold: FontWidths } | undefined;

/** Width in pixels of `text` set in DejaVu Sans (bold when asked) at `size` px. */
export function measureText(text: string, size: number, bold = false): number {
  fonts ??= { regular: parseFont(readFileSync(FONT_FILES[0]!)), bold: parseFont(readFileSync(FONT_FILES[1]!)) };
  const f = bold ? fonts.bold : fonts.regular;
  let units = 0;
  for (const ch of text) units += f.advance(ch.codePointAt(0)!);
  return (units / f.unitsPerEm) * size;
}

interface TextItem {
  text?: unknown;
  fontSize?: number | string;
  fontWeight?: number | string;
}

function isBold(w: number | string | undefined): boolean {
  return w === 'bold' || w === 'bolder' || (w !== undefined && Number(w) >= 600);
}

let installed = false;

/** Makes vega's headless layout measure text with the shipped fonts (idempotent). */
export function installFontMetrics(): void {
  if (installed) return;
  installed = true;
  // vega re-exports vega-scenegraph's textMetrics at run time; its typings do not declare it.
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } };
  textMetrics.width = (item, text) => {
    const t = text ?? item.text;
    const s = t === null || t === undefined ? '' : Array.isArray(t) ? t.join(' ') : String(t);
    const size = item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize);
    return size <= 0 ? 0 : measureText(s, size, isBold(item.fontWeight));
  };
}
