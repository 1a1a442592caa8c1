// Platform names and the rules each network enforces on a post: pure code the
// renderer (live counters) and the engine (checks before publishing) share.
export { PLATFORMS, PLATFORM_LABELS, type Platform } from './names';
export {
  PLATFORM_RULES,
  rulesFor,
  type GifHandling,
  type LengthUnit,
  type MediaRules,
  type PlatformRules,
  type TextCounting,
  type TextRules,
  type TitleRules,
} from './rules';
export {
  countCodePoints,
  countGraphemes,
  countUtf16,
  mastodonCountableText,
  measureText,
  splitGraphemes,
  utf8Bytes,
  xWeightedLength,
  type Measurement,
} from './length';
export { countHashtags, countMentions, extractHashtags, normalizeHashtag } from './hashtags';
export {
  Draft,
  DraftMedia,
  PROBLEM_CODES,
  Problem,
  ProblemCode,
  ValidateOptions,
  ValidationResult,
  validate,
} from './validate';
export { SplitOptions, ThreadSplitError, splitThread } from './splitThread';
