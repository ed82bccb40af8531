import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { encodeIndexedPng } from '../src/charts/png.ts';
import { svgToPng } from '../src/charts/render.ts';
import { decodePng } from './png-decode.ts';

const CHART_LIKE = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120">
<rect width="200" height="120" fill="white"/>
<path d="M10,100 L60,30 L110,70 L190,20" stroke="#1f4e79" stroke-width="2" fill="none"/>
<path d="M10,110 L60,60 L110,90 L190,50 L190,80 L10,115Z" fill="#9ecae1" opacity="0.8"/>
<circle cx="150" cy="90" r="12" fill="#d62728"/>
<text x="20" y="20" font-family="DejaVu Sans" font-size="12">Hashrate (EH/s)</text>
</svg>`;

function render(svg: string) {
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: false } }).render();
}

describe('indexed PNG of a chart', () => {
  it('holds the same pixels as resvg\'s own encoder', () => {
    const img = render(CHART_LIKE);
    const ours = encodeIndexedPng(img.pixels, img.width, img.height);
    expect(ours).not.toBeNull();
    const a = decodePng(img.asPng());
    const b = decodePng(ours!);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(Buffer.from(b.rgba).equals(Buffer.from(a.rgba))).toBe(true);
    // indexed (colour type 3) and smaller
    expect(ours![25]).toBe(3);
    expect(ours!.length).toBeLessThan(img.asPng().length);
  });

  it('decodes to the same pixels in resvg\'s own PNG decoder (an independent reader)', () => {
    const img = render(CHART_LIKE);
    const pixels = Buffer.from(img.pixels);
    const ours = encodeIndexedPng(pixels, img.width, img.height)!;
    // resvg draws a PNG <image> at its own size pixel for pixel (no resampling at 1:1)
    const wrap = `<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}"><image image-rendering="optimizeSpeed" width="${img.width}" height="${img.height}" href="data:image/png;base64,${ours.toString('base64')}"/></svg>`;
    const back = new Resvg(wrap).render();
    expect([back.width, back.height]).toEqual([img.width, img.height]);
    expect(Buffer.from(back.pixels).equals(pixels)).toBe(true);
  });

  it('keeps a white first pixel (a cache sentinel must not alias opaque white)', () => {
    const px = new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 10, 20, 30, 255]);
    const png = encodeIndexedPng(px, 2, 2)!;
    expect(Array.from(decodePng(png).rgba)).toEqual(Array.from(px));
  });

  it('declines transparency and more than 256 colours', () => {
    expect(encodeIndexedPng(new Uint8Array([0, 0, 0, 128]), 1, 1)).toBeNull();
    const many = new Uint8Array(4 * 300);
    for (let i = 0; i < 300; i++) many.set([i & 0xff, i >> 8, 7, 255], 4 * i);
    expect(encodeIndexedPng(many, 300, 1)).toBeNull();
  });

  it('svgToPng is byte-stable', () => {
    expect(svgToPng(CHART_LIKE).equals(svgToPng(CHART_LIKE))).toBe(true);
  });
});
