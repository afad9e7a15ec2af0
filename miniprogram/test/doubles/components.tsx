/** `@tarojs/components` as plain DOM elements, for jsdom tests of pages. */
import type { ReactNode } from 'react'

type Props = { children?: ReactNode; className?: string; onClick?: () => void; [k: string]: unknown }

function pass(props: Props) {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(props)) if (k === 'className' || k === 'onClick' || k === 'style' || k.startsWith('data-')) out[k] = v
  return out
}

export const View = ({ children, ...p }: Props) => <div {...pass(p)}>{children}</div>
export const Text = ({ children, ...p }: Props) => <span {...pass(p)}>{children}</span>
export const Image = ({ src, ...p }: Props & { src?: string }) => <img src={src} {...pass(p)} />
export const Button = ({ children, disabled, ...p }: Props & { disabled?: boolean }) => (
  <button type='button' disabled={disabled} {...pass(p)}>
    {children}
  </button>
)
export const Input = ({ value, placeholder, onInput, ...p }: Props & { value?: string; placeholder?: string; onInput?: (e: { detail: { value: string } }) => void }) => (
  <input value={value} placeholder={placeholder} onChange={(e) => onInput?.({ detail: { value: e.target.value } })} {...pass(p)} />
)
export const WebView = ({ src, ...p }: Props & { src?: string }) => <iframe src={src} data-testid='web-view' {...pass(p)} />
