// BERT's BasicTokenizer cleanup: drop control characters, map whitespace to ' ', put spaces around
// CJK ideographs (so each becomes its own word), then optional lowercasing and accent stripping.
import { charClass, CONTROL, isCjkIdeograph, WHITE_SPACE } from '../unicode/char-classes.js';
import { lowercase } from './lowercase.js';
import { mapCodePoints, type NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';
import { stripAccents } from './strip-accents.js';

/** Options of {@link BertNormalizer}, with HF's defaults. */
export interface BertNormalizerOptions {
  /** Remove control characters and turn whitespace into spaces. Default true. */
  cleanText?: boolean;
  /** Surround CJK ideographs with spaces. Default true. */
  handleChineseChars?: boolean;
  /** Strip accents; `null` (default) follows `lowercase`. */
  stripAccents?: boolean | null;
  /** Lowercase. Default true. */
  lowercase?: boolean;
}

/** `{"type": "BertNormalizer", "clean_text", "handle_chinese_chars", "strip_accents", "lowercase"}` */
export class BertNormalizer implements Normalizer {
  readonly type = 'BertNormalizer';
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.lowercase = options.lowercase ?? true;
  }

  normalize(input: NormalizedText): NormalizedText {
    let n = input;
    if (this.cleanText || this.handleChineseChars) {
      const clean = this.cleanText;
      const cjk = this.handleChineseChars;
      n = mapCodePoints(n, (cp) => {
        if (clean) {
          if (cp === 0 || cp === 0xfffd) return '';
          const cls = charClass(cp);
          if (cls & CONTROL) return '';
          if (cls & WHITE_SPACE || cp === 9 || cp === 10 || cp === 13) return cp === 32 ? null : ' ';
        }
        if (cjk && isCjkIdeograph(cp)) return ` ${String.fromCodePoint(cp)} `;
        return null;
      });
    }
    if (this.lowercase) n = lowercase(n);
    if (this.stripAccents ?? this.lowercase) n = stripAccents(n);
    return n;
  }

  toJSON(): NormalizerJSON {
    return {
      type: this.type,
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }

  static fromJSON(json: NormalizerJSON): BertNormalizer {
    return new BertNormalizer({
      cleanText: json.clean_text as boolean | undefined,
      handleChineseChars: json.handle_chinese_chars as boolean | undefined,
      stripAccents: json.strip_accents as boolean | null | undefined,
      lowercase: json.lowercase as boolean | undefined,
    });
  }
}
