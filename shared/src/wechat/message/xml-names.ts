/**
 * Element names refused outright, when reading and when writing: the three that could reach a prototype,
 * and the ones fast-xml-parser would silently rename (`toString` becomes `__toString`): WeChat sends none
 * of them, and a field must never be stored under a name other than the one it came with.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);
