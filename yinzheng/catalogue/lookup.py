"""“I was asked for …”: colloquial Chinese to ranked certificate items (REQ-007, REQ-079).

People type what they were told, or what happened to them: 「村里开个户籍证明」,
「收入证名」, 「证明她是我妈」, 「没结婚」, 「在家开店」, 「jzzm」. The matcher

- segments every item name and alias into words (jieba, with the lexicon's words added),
  weighting each word by how few names share it, so 证明, 居民, 情况 decide little;
- reads the query as written (its words, never a single character inside another word:
  居 in 居住 is not 居 in 分居), plus what the curated lexicon
  (data/lookup_lexicon.json: kinship, marital status, work and hardship, particulars,
  missing persons, purposes …) says its everyday words mean, plus what its pinyin spells
  (full, with or without spaces, or the initials of a name);
- scores each name by the weighted share of its words the query covers: a word typed
  counts 1, a word the lexicon says the query means 0.85 (0.5 when the word only says who
  it is about, 妈 in 我妈去世了), a word typed with one wrong character 0.6; the tail 证明
  always counts (asked for or implied) and decides nothing by itself;
- offers the names above a floor, or, when none is, the few the query touches at all, so
  an everyday request is never answered with nothing; `confidence()` and `is_sure()` say
  how sure the answer is (selectors.lookup_advice turns that into a sentence).

`Index` is built once per catalogue; `search()` is pure and fast (see benchmarks/). The
jieba dictionary and the lexicon load once per process, on the first use.
"""

import functools
import json
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lookup_lexicon.json"
GENERIC_TAIL = "证明"

# What a word of a name is worth when the query covers it …
TYPED = 1.0  # as written (or spelt in pinyin)
MEANT = 0.85  # through the lexicon, a word that names the certificate
ABOUT = 0.5  # through the lexicon, a word that only says whom it is about
TYPO = 0.6  # written with one character wrong (证名, 婚姻壮况)

# … and what a ranked score means to the person asking.
HIGH, MEDIUM = 0.75, 0.45
FLOOR = 0.2  # below this a name is offered only when nothing scores more
FALLBACK = 3  # how many such names
CLEAR_LEAD = 0.1  # a best answer this far ahead of the next one is not in doubt
FAR_LEAD = 0.3  # … nor one of medium confidence this far ahead

MEASURE_WORDS = frozenset("个只条辆头匹台套间位")
_MEASURE_INSIDE = re.compile(r"(?<=[\u4e00-\u9fff])[个只条家间](?=[\u4e00-\u9fff])")
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MASK = "|"


def normalise(text: str) -> str:
    """Full-width to half-width, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _PUNCTUATION.sub("", text)


# The lexicon and the segmenter, once per process ------------------------------------


@dataclass(frozen=True)
class Meaning:
    means: str  # words of official names; "" for a document, not a certificate
    strong: bool  # names the certificate (失业), or only whom it is about (妈)


@dataclass(frozen=True)
class Phrasing:
    """A way of saying it that no word list covers (证明她是我妈, 孩子丢了)."""

    pattern: re.Pattern[str]
    means: str
    takes_words: bool  # the words inside are not read again (丢了 in 孩子丢了)


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, Meaning]
    longest: int
    phrasings: tuple[Phrasing, ...]


@functools.cache
def lexicon() -> Lexicon:
    data = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    words: dict[str, Meaning] = {}
    kin: list[str] = []
    for group in data["groups"]:
        meaning = Meaning(group["means"], group["strength"] == "strong")
        for word in group["words"]:
            word = normalise(word)
            words.setdefault(word, meaning)
            if group["group"] == "kinship":
                kin.append(word)
    alternation = "(?:" + "|".join(sorted(kin, key=len, reverse=True)) + ")"
    phrasings = tuple(
        Phrasing(
            re.compile(
                "|".join(
                    "(?:" + p.replace("{kin}", alternation) + ")"
                    for p in phrasing["patterns"]
                )
            ),
            phrasing["means"],
            bool(phrasing.get("takes_words")),
        )
        for phrasing in data.get("phrasings", ())
        if phrasing["patterns"] and kin
    )
    return Lexicon(
        words=words,
        longest=max((len(w) for w in words), default=1),
        phrasings=phrasings,
    )


_segmenter_lock = threading.Lock()
_segmenter: Any = None


def segmenter() -> Any:
    """jieba's tokenizer with the lexicon's words, loaded on first use; quiet."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                # The lexicon's words, not its phrases: a phrase is found by itself,
                # and a longer word would swallow the words of names (身份信息).
                for word in lexicon().words:
                    if 1 < len(word) <= 3:
                        tokenizer.add_word(word)
                _segmenter = tokenizer
    return _segmenter


def words_of(text: str, hmm: bool = False) -> list[str]:
    """The words of a (normalised) text; runs of single characters joined."""
    return _join_singles(segmenter().lcut(text, HMM=hmm))


def _join_singles(tokens: list[str]) -> list[str]:
    out: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and _CJK.match(token):
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


def _finest(words: list[str]) -> list[str]:
    """Long words of a name split into the two-character words they are made of, so a
    query naming one of them finds it (个人档案 → 个人 档案, 市场主体 → 市场 主体)."""
    known = segmenter().FREQ
    out: list[str] = []
    for word in words:
        halves = [word[i : i + 2] for i in range(0, len(word), 2)]
        if len(word) >= 4 and len(word) % 2 == 0 and all(known.get(h) for h in halves):
            out.extend(halves)
        else:
            out.append(word)
    return out


SPELLINGS = 16  # readings kept per word (银行: yinhang, yinxing)


@functools.cache
def _pinyin_of(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every reading of a word (each character's readings combined, at most
    SPELLINGS of them) and their initials. pypinyin's phrase dictionary is not loaded
    (PYPINYIN_NO_PHRASES): it costs about 45 MB a process and still misreads some words
    (没收入 as moshouru); every reading of each character is taken instead."""
    import itertools
    import os

    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, pinyin

    readings = pinyin(word, style=Style.NORMAL, heteronym=True, errors="ignore")
    full = frozenset(
        "".join(combo)
        for combo in itertools.islice(itertools.product(*readings), SPELLINGS)
    )
    return full, frozenset(
        "".join(p[:1] for p in combo)
        for combo in itertools.islice(itertools.product(*readings), SPELLINGS)
    )


# The query, read once ----------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    literal: str  # as typed (and spelt), documents masked out
    tokens: frozenset[str]  # its words as the segmenter cuts them
    meant: tuple[str, ...]  # official words the lexicon says it means
    about: tuple[str, ...]  # official words it is only about
    typos: frozenset[str]  # its unknown words, one character wildcarded (证?, ?名)
    named: frozenset[str]  # those of them right before 证明 or ending the query


def _lexicon_reading(
    text: str, tokens: list[str], name_words: frozenset[str]
) -> tuple[str, list[str], list[str]]:
    """The text with the everyday words the lexicon knows masked out, and the official
    words they mean (strong, weak). A word inside a longer one already read (户口 in
    户口本, 出生 in 出生日期) does not count; single characters count only as whole
    words; a word ending in 证 right before 明 is part of 证明 (残疾证明 is not 残疾证).
    A word that is itself a word of some name stays in the text and means only weakly
    what the lexicon says (户口 is in 户口登记…, so 户口 → 户籍 must not outweigh it).
    The lexicon's phrasings (是我妈, 孩子丢了) are read first."""
    lex = lexicon()
    taken: list[tuple[int, int]] = []
    strong: list[str] = []
    weak: list[str] = []
    for phrasing in lex.phrasings:
        for match in phrasing.pattern.finditer(text):
            strong.append(phrasing.means)
            if phrasing.takes_words:
                taken.append(match.span())
    found: list[tuple[int, int, str]] = []
    for size in range(min(lex.longest, len(text)), 1, -1):
        for start in range(len(text) - size + 1):
            piece = text[start : start + size]
            if piece in lex.words:
                found.append((start, start + size, piece))
    known = segmenter().FREQ
    position = 0
    for token in tokens:
        if len(token) == 1 and token in lex.words:
            found.append((position, position + 1, token))
        elif len(token) > 1:
            # A character at the edge of a phrase the dictionary keeps whole, the rest a
            # word by itself or ending in a measure word: 穷 in 穷孩子, 车 in 辆车, 狗 in
            # 养条狗 (never 居 in 居住: 住 is no word; 车 in 火车: 火 is neither).
            head, tail = token[0], token[-1]
            if head in lex.words and known.get(token[1:]):
                found.append((position, position + 1, head))
            if tail in lex.words and (
                known.get(token[:-1]) or token[-2] in MEASURE_WORDS
            ):
                end = position + len(token)
                found.append((end - 1, end, tail))
        position += len(token)
    masked = list(text)
    for start, end, piece in found:
        if any(s <= start and end <= e for s, e in taken):
            continue
        if piece.endswith("证") and text[end : end + 1] == "明":
            continue
        taken.append((start, end))
        meaning = lex.words[piece]
        if piece in name_words:
            if meaning.means:
                weak.append(meaning.means)
            continue
        masked[start:end] = _MASK * (end - start)
        if meaning.means:
            (strong if meaning.strong else weak).append(meaning.means)
    # Spoken Chinese puts a measure word inside a phrase (改个名字, 开家店, 养条狗):
    # read it without them too, for meanings only.
    bare = _MEASURE_INSIDE.sub("", text)
    if bare != text:
        for size in range(min(lex.longest, len(bare)), 2, -1):
            for start in range(len(bare) - size + 1):
                found_bare = lex.words.get(bare[start : start + size])
                if found_bare is not None and found_bare.means:
                    (strong if found_bare.strong else weak).append(found_bare.means)
    return "".join(masked), strong, weak


class Index:
    """The names and aliases of some items, segmented and weighted."""

    def __init__(self, items: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        terms: list[tuple[str, str, tuple[str, ...]]] = []
        for key, name, aliases in items:
            for raw in sorted({name, *aliases}):
                text = normalise(raw)
                core = text.removesuffix(GENERIC_TAIL)
                if not core:
                    continue
                words = list(dict.fromkeys(_finest(words_of(core, hmm=True))))
                if core != text:
                    words.append(GENERIC_TAIL)
                terms.append((key, text, tuple(words)))
        n = max(len(terms), 1)
        df = Counter(w for _k, _t, words in terms for w in set(words))
        weight = {w: math.log(1 + n / d) for w, d in df.items()}
        self.terms = [
            (key, text, tuple((w, weight[w]) for w in words))
            for key, text, words in terms
        ]
        self._totals = [sum(weight[w] for w in words) or 1.0 for _k, _t, words in terms]
        self.name_words = frozenset(df) - {GENERIC_TAIL}
        self._wildcards = {w: _wildcards(w) for w in self.name_words}
        self._typo_words = frozenset(w for w in self.name_words if len(w) > 1)
        self._word_terms: dict[str, list[int]] = {}
        for i, (_k, _t, name_words) in enumerate(terms):
            for w in name_words:
                self._word_terms.setdefault(w, []).append(i)
        self._meanings: dict[str, dict[int, frozenset[str]]] = {}
        lex = lexicon()
        self.vocabulary = frozenset(df) | frozenset(lex.words)
        # Pinyin: every word of the names and the lexicon spelt out; the initials of
        # whole names and longer words (jzzm, hyzk), never of two-character words.
        spelt: dict[str, str] = {}
        initials: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary | {t for _k, t, _w in terms}, key=len):
            if len(word) < 2 or not _CJK.match(word):
                continue
            full, first = _pinyin_of(word)
            for spelling in full:
                spelt.setdefault(spelling, word)
            if len(word) >= 3:
                for letters in first:
                    initials.setdefault(letters, []).append(word)
        for _key, text, _words in terms:
            core = text.removesuffix(GENERIC_TAIL)
            if len(core) >= 2:
                for letters in _pinyin_of(core)[1]:
                    initials.setdefault(letters, []).append(core)
        self.spelt = spelt
        self.initials = initials
        self._spelt_longest = max((len(s) for s in spelt), default=0)

    def _from_pinyin(self, text: str) -> list[str]:
        """The Chinese words the latin letters of a query spell."""
        pieces = _LATIN.findall(text)
        if not pieces:
            return []
        out: list[str] = []
        for piece in pieces:
            out.extend(self.initials.get(piece, ()))
        # The reading of the letters that leaves the fewest unread, then uses the
        # fewest words: canjizhengming is 残疾 证明, not 残疾证 and a stray ming.
        joined = "".join(pieces)
        size_max = self._spelt_longest
        best: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())] * (len(joined) + 1)
        for i in range(len(joined) - 1, -1, -1):
            unread, count, words = best[i + 1]
            choice = (unread + 1, count, words)
            for size in range(2, min(size_max, len(joined) - i) + 1):
                word = self.spelt.get(joined[i : i + size])
                if word is not None:
                    unread, count, words = best[i + size]
                    if (unread, count + 1) < choice[:2]:
                        choice = (unread, count + 1, (word, *words))
            best[i] = choice
        return out + list(best[0][2])

    def read(self, query: str) -> Query | None:
        text = unicodedata.normalize("NFKC", query).lower()
        chinese = _PUNCTUATION.sub("", _LATIN.sub(" ", text))
        spelt = self._from_pinyin(text)
        if spelt:
            chinese = _MASK.join([chinese, *spelt]) if chinese else _MASK.join(spelt)
        if not chinese:
            return None
        segments = segmenter().lcut(chinese, HMM=False)
        literal, strong, weak = _lexicon_reading(chinese, segments, self.name_words)
        if literal != chinese:
            segments = segmenter().lcut(literal, HMM=False)
        # A typo is looked for only inside a word the dictionary does not know, or a run
        # of single characters, never across two known words (住证 in 居住证明). One
        # right before 证明 (or ending the query) names the certificate: it counts by
        # itself (死忙证明); any other only beside another word of the same name
        # (居民个人档按), so 开个 is no typo of 个人.
        typos: set[str] = set()
        named: set[str] = set()
        position = 0
        for word in _join_singles(segments):
            start_of_word, position = position, position + len(word)
            if len(word) < 2 or word in self.vocabulary or _MASK in word:
                continue
            if len(word) > 2 and segmenter().FREQ.get(word):
                continue  # a compound the dictionary knows (婚姻状况), not a typo
            for size in range(2, min(len(word), 4) + 1):
                for start in range(len(word) - size + 1):
                    window = word[start : start + size]
                    if window in self.vocabulary:
                        continue
                    wildcards = _wildcards(window)
                    typos.update(wildcards)
                    end = start_of_word + start + size
                    if end == len(literal) or literal.startswith(GENERIC_TAIL, end):
                        named.update(wildcards)
        return Query(
            literal,
            frozenset(segments),
            tuple(dict.fromkeys(strong)),
            tuple(dict.fromkeys(weak)),
            frozenset(typos),
            frozenset(named),
        )

    def _applies(self, meaning: str) -> dict[int, frozenset[str]]:
        """The names a meaning is part of (by position), with their words inside it."""
        found = self._meanings.get(meaning)
        if found is None:
            found = {
                i: frozenset(w for w, _weight in words if w in meaning)
                for i, (_key, text, words) in enumerate(self.terms)
                if meaning in text
            }
            self._meanings[meaning] = found
        return found

    def search(self, query: str, limit: int = 5) -> list["Hit"]:
        read = self.read(query)
        if read is None:
            return []
        # What the query does to each word of the names, once per word …
        shares: dict[str, float] = {}
        beside: set[str] = set()  # typos that count only beside another word
        for word in self.name_words:
            if word in read.literal if len(word) > 1 else word in read.tokens:
                shares[word] = TYPED
            elif word in self._typo_words:
                wildcards = self._wildcards[word]
                if not wildcards.isdisjoint(read.named):
                    shares[word] = TYPO
                elif not wildcards.isdisjoint(read.typos):
                    beside.add(word)
        # … and to the words of the names its everyday words are part of.
        raised: dict[int, dict[str, float]] = {}
        for meanings, share in ((read.about, ABOUT), (read.meant, MEANT)):
            for meaning in meanings:
                for i, inside in self._applies(meaning).items():
                    mine = raised.setdefault(i, {})
                    for word in inside:
                        mine[word] = share
        touched = {i for word in shares for i in self._word_terms[word]}
        best: dict[str, Hit] = {}
        for i in touched | raised.keys():
            key, text, words = self.terms[i]
            mine = raised.get(i, {})
            got = 0.0
            anchored = False
            for word, weight in words:
                share = max(shares.get(word, 0.0), mine.get(word, 0.0))
                if word == GENERIC_TAIL:
                    share = 1.0
                elif share:
                    anchored = True
                got += weight * share
            if not anchored:
                continue
            got += sum(weight * TYPO for word, weight in words if word in beside)
            score = got / self._totals[i]
            hit = best.get(key)
            if hit is None or score > hit.score:
                best[key] = Hit(key, round(min(score, 1.0), 4), text)
        ranked = sorted(best.values(), key=lambda h: (-h.score, len(h.matched), h.key))
        # Names the query only touches are offered (low) when nothing better is found,
        # so a request is never answered with nothing while any word of it matched.
        above = [h for h in ranked if h.score >= FLOOR]
        return (above or ranked[:FALLBACK])[:limit]


def _wildcards(word: str) -> frozenset[str]:
    if len(word) < 2:
        return frozenset()
    return frozenset(word[:i] + "?" + word[i + 1 :] for i in range(len(word)))


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    matched: str

    @property
    def confidence(self) -> str:
        return confidence(self.score)


def confidence(score: float) -> str:
    """high / medium / low: how sure the matcher is that this is what was asked for."""
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def is_sure(scores: list[float]) -> bool:
    """A best answer of high confidence clearly ahead of the next one, or of medium
    confidence with nothing else near it (无犯罪证明: most of one name, little of any
    other)."""
    if not scores or scores[0] < MEDIUM:
        return False
    lead = scores[0] - (scores[1] if len(scores) > 1 else 0.0)
    return lead >= (CLEAR_LEAD if scores[0] >= HIGH else FAR_LEAD)
