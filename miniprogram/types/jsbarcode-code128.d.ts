// JsBarcode's Code 128 encoder (jsbarcode/bin/barcodes/CODE128), imported alone: the package ships
// types only for its DOM-rendering entry point.
declare module 'jsbarcode/bin/barcodes/CODE128' {
  /** Code 128 with automatic switching between sets A, B and C. */
  export class CODE128 {
    constructor(data: string, options: object)
    /** Whether Code 128 can encode the text (ASCII only). */
    valid(): boolean
    /** Modules as "1" (bar) and "0" (space), start, checksum and stop included. Call once per instance. */
    encode(): { data: string; text: string }
  }
}
