// The part of d3-dsv (3.0.2, https://github.com/d3/d3-dsv) hashsim uses; the package ships no types.
declare module 'd3-dsv' {
  export interface DSV {
    parseRows(text: string): string[][];
    formatRows(rows: readonly (readonly string[])[]): string;
  }
  export function dsvFormat(delimiter: string): DSV;
}
