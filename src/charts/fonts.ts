import { fileURLToPath } from 'node:url';

/** The fonts the project ships (assets/fonts, Bitstream Vera license): regular, bold. */
export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  fileURLToPath(new URL(`../../assets/fonts/${f}`, import.meta.url)),
);
