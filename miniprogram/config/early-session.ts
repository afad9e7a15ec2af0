import type { Compiler } from 'webpack'

import { insertFirstInHead } from './preload-pages'

const NAME = 'EarlySession'

// src/services/session.ts's (the build's config cannot import src/; test/early-session.test.ts holds them equal).
export const TOKEN_KEY = 'giftcard.token'
export const DEMO_USER_KEY = 'giftcard.demo_user'
export const DEFAULT_DEMO_OPENID = 'o_demo_mini'
export const EARLY_SESSION_GLOBAL = '__giftcardEarlySession'

/**
 * H5 demo only. A new visitor's session costs two round trips (the sandbox's login code for the demo
 * user, then POST /api/session), and services/session.ts can only start them once the app's scripts
 * have arrived and run. This inline script starts them as index.html is parsed, beside the scripts'
 * download: with no stored token it resolves the demo user as session.ts does (`demo_user` of the URL's
 * search or hash query, else the remembered one, else the default; Taro's H5 storage is localStorage
 * with `{"data": …}` values), posts both, and leaves `window[EARLY_SESSION_GLOBAL]`: a promise of
 * {openid, token}, or null on any failure (session.ts then logs in as before). session.ts takes it once.
 */
export function earlySessionScript(origin: string): string {
  const args = [origin, TOKEN_KEY, DEMO_USER_KEY, DEFAULT_DEMO_OPENID, EARLY_SESSION_GLOBAL].map((a) => JSON.stringify(a)).join(',')
  return (
    `!function(w,o,T,D,d,G){try{` +
    `var s=function(k){try{var v=JSON.parse(localStorage.getItem(k)||"");return v&&v.data}catch(e){}},` +
    `q=function(p){return p?new URLSearchParams(p).get("demo_user"):null};` +
    `if(s(T))return;` +
    `var h=location.hash,i=h.indexOf("?"),u=q(location.search)||q(i<0?"":h.slice(i))||s(D)||d,` +
    `p=function(a,b){return fetch(o+a,{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(b)})` +
    `.then(function(r){if(!r.ok)throw r.status;return r.json()})};` +
    `w[G]=p("/sandbox/_control/users/login",{openid:u}).then(function(r){return p("/api/session",{code:r.code})})` +
    `.then(function(r){return typeof r.token=="string"&&r.token?{openid:u,token:r.token}:null},function(){return null})` +
    `}catch(e){}}(window,${args});`
  )
}

/** Inlines earlySessionScript into index.html, first in the head. */
export class EarlySession {
  /** `origin`: the BFF's origin, '' for the page's own. */
  constructor(private readonly origin: string) {}

  apply(compiler: Compiler): void {
    const { Compilation, sources } = compiler.webpack
    compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
      // After PreloadFirstPage (OPTIMIZE_TRANSFER), so this one comes first: its requests start first.
      compilation.hooks.processAssets.tap({ name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER + 1 }, () => {
        const html = compilation.getAsset('index.html')
        if (!html) return
        const source = insertFirstInHead(html.source.source().toString(), earlySessionScript(this.origin))
        if (source) compilation.updateAsset('index.html', new sources.RawSource(source))
      })
    })
  }
}
