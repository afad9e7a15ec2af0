import qrcode from 'qrcode-generator'
// JsBarcode's Code 128 encoder alone (automatic A/B/C switching): the package's entry bundles every
// symbology and its canvas/SVG renderers (~68 KB), past the weapp main package budget.
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128'

/** QR quiet zone (ISO/IEC 18004: 4 modules) and Code 128 quiet zone (≥ 10 modules). */
const QR_QUIET = 4
const BAR_QUIET = 10

/**
 * The code as a QR matrix, quiet zone included: `true` is a dark module. Error correction M; digits
 * in numeric mode (a 12-digit code fits version 1, 21 modules, the largest modules on screen).
 */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M')
  qr.addData(text, /^\d+$/.test(text) ? 'Numeric' : 'Byte')
  qr.make()
  const n = qr.getModuleCount()
  const size = n + 2 * QR_QUIET
  const rows: boolean[][] = []
  for (let r = 0; r < size; r++) {
    const row: boolean[] = []
    for (let c = 0; c < size; c++) {
      const inside = r >= QR_QUIET && r < n + QR_QUIET && c >= QR_QUIET && c < n + QR_QUIET
      row.push(inside && qr.isDark(r - QR_QUIET, c - QR_QUIET))
    }
    rows.push(row)
  }
  return rows
}

/** A run of equal modules: one bar or one space, `width` modules wide. */
export interface Run {
  dark: boolean
  width: number
}

/** A row of modules as alternating runs (fewer views to draw than one per module). */
export function runs(modules: readonly boolean[]): Run[] {
  const out: Run[] = []
  for (const dark of modules) {
    const last = out[out.length - 1]
    if (last && last.dark === dark) last.width++
    else out.push({ dark, width: 1 })
  }
  return out
}

/** The code as Code 128 bars and spaces with a white quiet zone each side; null when Code 128 cannot carry it. */
export function barcodeBars(text: string): Run[] | null {
  const symbol = new CODE128(text, {})
  if (!symbol.valid()) return null
  // encode() consumes the symbol's state: call it once.
  const { data } = symbol.encode()
  const quiet = Array<boolean>(BAR_QUIET).fill(false)
  return runs([...quiet, ...Array.from(data, (bit) => bit === '1'), ...quiet])
}

/** "110201201245" → "1102 0120 1245", as a cashier reads it aloud or types it. */
export function groupCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1 ')
}
