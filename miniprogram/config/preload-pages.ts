import type { Compiler } from 'webpack'

const NAME = 'PreloadFirstPage'

/**
 * H5 only. Taro loads each page as a lazy chunk, which the browser only learns of once the main
 * bundle has run: two round trips in series before the first content. This adds a small inline
 * script to index.html that, before the main bundle runs, preloads the chunks (JS and CSS) of the page
 * the URL opens (the hash route, else the app's first page), so they download alongside the main one.
 * It comes first in the head, so that nothing before it (a stylesheet) can delay it.
 * The BFF's CSP admits the script by its hash (bff/src/http/static.ts).
 */
export class PreloadFirstPage {
  /** `firstPage`: app.config's pages[0], opened for an empty route. */
  constructor(private readonly firstPage: string) {}

  apply(compiler: Compiler): void {
    const { Compilation, sources } = compiler.webpack
    compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
      // After HtmlWebpackPlugin wrote index.html (it works at OPTIMIZE_INLINE).
      compilation.hooks.processAssets.tap({ name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER }, () => {
        const html = compilation.getAsset('index.html')
        if (!html) return
        const byPage: Record<string, string[]> = {}
        for (const group of compilation.chunkGroups) {
          if (group.isInitial()) continue
          for (const origin of group.origins) {
            const page = /(pages\/[\w-]+\/index)(?:\.[jt]sx?)?$/.exec(origin.request ?? '')?.[1]
            if (!page) continue
            const files = group.chunks.flatMap((c) => [...c.files]).filter((f) => /\.(js|css)$/.test(f))
            byPage[page] = [...new Set([...(byPage[page] ?? []), ...files])]
          }
        }
        if (!byPage[this.firstPage]) {
          compilation.warnings.push(new compiler.webpack.WebpackError(`${NAME}: no lazy chunk found for ${this.firstPage}; nothing preloaded`))
          return
        }
        const script =
          `!function(m,d){var r=location.hash.replace(/^#\\/?/,"").split("?")[0],f=m[r]||m[${JSON.stringify(this.firstPage)}];` +
          `f.forEach(function(u){var l=d.createElement("link");l.rel="preload";l.as=/\\.css$/.test(u)?"style":"script";l.href="./"+u;d.head.appendChild(l)})}(${JSON.stringify(byPage)},document);`
        const source = insertFirstInHead(html.source.source().toString(), script)
        if (source) compilation.updateAsset('index.html', new sources.RawSource(source))
      })
    })
  }
}

/**
 * `html` with an inline `<script>` before the head's first script or stylesheet (undefined: no place
 * found). An inline script placed after a stylesheet link waits for that stylesheet to arrive, which
 * held the first page's chunks back by a round trip.
 */
export function insertFirstInHead(html: string, script: string): string | undefined {
  const head = html.indexOf('</head>')
  if (head < 0) return undefined
  const at = /<(script|link)\b/i.exec(html.slice(0, head))?.index ?? head
  return `${html.slice(0, at)}<script>${script}</script>${html.slice(at)}`
}
