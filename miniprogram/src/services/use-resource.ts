import { useCallback, useEffect, useRef, useState } from 'react'

export type Resource<T> =
  | { state: 'loading'; data?: T }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: Error; data?: T }

/**
 * Loads once on mount (unless `auto` is false) and on `reload()`; the last call wins. A reload
 * keeps showing the previous data while it runs.
 */
export function useResource<T>(load: () => Promise<T>, auto = true): [Resource<T>, () => Promise<void>] {
  const [res, setRes] = useState<Resource<T>>({ state: 'loading' })
  const seq = useRef(0)
  const loadRef = useRef(load)
  loadRef.current = load
  const reload = useCallback(async () => {
    const n = ++seq.current
    setRes((prev) => ({ state: 'loading', data: prev.data }))
    try {
      const data = await loadRef.current()
      if (n === seq.current) setRes({ state: 'ready', data })
    } catch (e) {
      if (n === seq.current) setRes((prev) => ({ state: 'error', error: e as Error, data: prev.data }))
    }
  }, [])
  useEffect(() => {
    if (auto) void reload()
  }, [auto, reload])
  return [res, reload]
}
