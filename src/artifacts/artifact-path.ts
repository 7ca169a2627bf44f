import { RegistryError } from '../errors/registry-error.js';

/** Bytes of UTF-8, after normalisation; generous for real trees, small enough for any filesystem. */
export const MAX_ARTIFACT_PATH_BYTES = 1024;

/** Why a path was refused; sent as the `rule` extension so clients need not parse the message. */
export type UnsafePathRule =
  | 'empty'
  | 'too_long'
  | 'malformed_unicode'
  | 'control_character'
  | 'unc'
  | 'backslash'
  | 'absolute'
  | 'windows_drive'
  | 'encoded_separator'
  | 'trailing_slash'
  | 'parent_segment'
  | 'compatibility_traversal';

/** Enough of a path to recognise it in a message without echoing a hostile megabyte. */
const QUOTE_LIMIT = 200;

/**
 * The C0 controls, DEL, and the C1 controls: none belongs in a file name, and
 * NUL truncates paths in C APIs.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Outside a pair, a surrogate has no UTF-8 form, so two encoders would disagree on the bytes. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
const DRIVE = /^[A-Za-z]:/;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;

/**
 * Makes a manifest path safe to join under the model folder, or refuses it
 * with `unsafe_path`. The result is a relative POSIX path in Unicode NFC with
 * no empty, `.` or `..` segments.
 *
 * Refusals are deliberately broad: anything another tool might read as a way
 * out of the folder (a Windows drive, a backslash, a percent-encoded dot,
 * a fullwidth `..` that NFKC folds to ASCII) is refused rather than repaired,
 * because a registry must not guess what a client meant by a hostile path.
 */
export function normaliseArtifactPath(raw: string): string {
  if (typeof raw !== 'string' || raw.length === 0) refuse(raw, 'empty', 'is empty');
  if (Buffer.byteLength(raw, 'utf8') > MAX_ARTIFACT_PATH_BYTES) {
    refuse(raw, 'too_long', `is longer than ${MAX_ARTIFACT_PATH_BYTES} bytes of UTF-8`);
  }
  if (LONE_SURROGATE.test(raw)) refuse(raw, 'malformed_unicode', 'contains a lone UTF-16 surrogate');
  if (CONTROL.test(raw)) refuse(raw, 'control_character', 'contains a control character');
  if (raw.startsWith('\\\\') || raw.startsWith('//')) refuse(raw, 'unc', 'is a UNC path');
  if (DRIVE.test(raw)) refuse(raw, 'windows_drive', 'starts with a Windows drive letter');
  if (raw.includes('\\')) refuse(raw, 'backslash', 'contains a backslash');
  if (raw.startsWith('/')) refuse(raw, 'absolute', 'is absolute');
  const encoded = encodedDanger(raw);
  if (encoded !== undefined) refuse(raw, 'encoded_separator', `percent-encodes ${encoded}`);
  if (raw.endsWith('/')) refuse(raw, 'trailing_slash', 'ends with a slash');

  const segments = raw.normalize('NFC').split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) refuse(raw, 'parent_segment', 'has a ".." segment');
  if (segments.length === 0) refuse(raw, 'empty', 'normalises to nothing');
  const path = segments.join('/');
  if (escapesUnderCompatibilityFolding(path)) {
    refuse(raw, 'compatibility_traversal', 'has characters that Unicode compatibility folding (NFKC) turns into a way out of the folder');
  }
  // NFC can lengthen a few strings (composition exclusions), so measure again.
  if (Buffer.byteLength(path, 'utf8') > MAX_ARTIFACT_PATH_BYTES) {
    refuse(raw, 'too_long', `is longer than ${MAX_ARTIFACT_PATH_BYTES} bytes of UTF-8 after normalisation`);
  }
  return path;
}

/**
 * Names the first dangerous thing hidden behind `%XX`, looking through any
 * number of `%25` layers, since some servers decode twice. `%C0`/`%C1` only
 * ever start overlong UTF-8 (`%C0%AE` is a disguised "."), so they count too.
 * Other escapes stay literal: `100%25 done.txt` and `a%20b` are ordinary names.
 */
function encodedDanger(raw: string): string | undefined {
  let text = raw;
  for (;;) {
    let peeled = false;
    for (const match of text.matchAll(PERCENT_ESCAPE)) {
      const byte = Number.parseInt(match[1] as string, 16);
      const danger = describeByte(byte);
      if (danger !== undefined) return `${danger} as ${JSON.stringify(match[0])}`;
      if (byte === 0x25) peeled = true;
    }
    if (!peeled) return undefined;
    text = text.replace(PERCENT_ESCAPE, (escape, hex: string) => (hex.toLowerCase() === '25' ? '%' : escape));
  }
}

function describeByte(byte: number): string | undefined {
  if (byte === 0x2e) return 'a dot';
  if (byte === 0x2f) return 'a slash';
  if (byte === 0x5c) return 'a backslash';
  if (byte < 0x20 || byte === 0x7f) return 'a control character';
  if (byte === 0xc0 || byte === 0xc1) return 'the start of an overlong UTF-8 sequence';
  return undefined;
}

/**
 * NFC keeps "‥" (U+2025), fullwidth "．．", "／", "＼" and "Ｃ：" as they are,
 * but NFKC folds them to ASCII, so any consumer that applies NFKC before
 * touching the filesystem would see a parent segment, a root or a drive.
 */
function escapesUnderCompatibilityFolding(path: string): boolean {
  const folded = path.normalize('NFKC');
  return folded.startsWith('/') || folded.startsWith('\\') || DRIVE.test(folded) || folded.split(/[/\\]/).includes('..');
}

function refuse(raw: unknown, rule: UnsafePathRule, why: string): never {
  throw new RegistryError('unsafe_path', `The artifact path ${quote(raw)} ${why}`, { extensions: { rule } });
}

function quote(raw: unknown): string {
  if (typeof raw !== 'string') return `(${typeof raw})`;
  const shown = raw.length > QUOTE_LIMIT ? `${raw.slice(0, QUOTE_LIMIT)}…` : raw;
  return JSON.stringify(shown);
}
