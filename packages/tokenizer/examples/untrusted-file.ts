// A file from elsewhere is checked whole before use: a malformed one is a TokenizerError whose code
// is stable and whose short message names the file and the field.
import { Tokenizer, TokenizerError } from '@llmkit/tokenizer';

try {
  await Tokenizer.fromFile('downloaded/tokenizer.json');
} catch (e) {
  if (!TokenizerError.isInstance(e)) throw e;
  console.log(e.code); // 'TokenizerFormatError' (or 'UnsupportedComponentError' for a part llmkit lacks)
  console.log(e.message); // '"downloaded/tokenizer.json": pre_tokenizer.add_prefix_space: expected true or false, got the string "false"'
}
