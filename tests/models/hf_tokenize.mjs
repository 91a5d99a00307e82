// SPDX-License-Identifier: Apache-2.0
// The independent side of the BPE tokenizer tests (tests/models/bpe_tokenizer_test.cpp): Hugging
// Face's tokenizers.js (npm @huggingface/tokenizers, installed by scripts/install-deps.sh into
// build/npm) encodes each text of a JSON array with a tokenizer.json.
// Usage: node hf_tokenize.mjs NPM_DIR TOKENIZER_JSON TEXTS_JSON OUT_JSON ADD_SPECIAL(0|1)
import { createRequire } from "node:module";
import fs from "node:fs";

const [npmDir, tokenizerPath, textsPath, outPath, addSpecial] = process.argv.slice(2);
const require = createRequire(npmDir + "/package.json");
const { Tokenizer } = require("@huggingface/tokenizers");
const tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(tokenizerPath, "utf8")), {});
const texts = JSON.parse(fs.readFileSync(textsPath, "utf8"));
const ids = texts.map((t) => tokenizer.encode(t, { add_special_tokens: addSpecial === "1" }).ids);
fs.writeFileSync(outPath, JSON.stringify(ids));
