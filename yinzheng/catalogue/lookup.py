"""“I was asked for …”: colloquial Chinese to ranked certificate items (REQ-007, REQ-079).

People type what they were told: 「村里开个户籍证明」, 「收入证名」, 「证明我没犯过罪」. The
matcher scores every name and alias of the items in a catalogue by how much of the term
the query covers, counting characters and character pairs with weights that fall for
characters every term shares (证, 明, 关, 系 …), so extra words cost little, a typo
costs one character, and the generic part of a name decides nothing. A few everyday
phrasings that share no characters with the official name are mapped first.

`Index` is built once per catalogue; `search()` is pure and fast (see benchmarks/).
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Everyday phrasings → words of the official names (only where no character is shared).
PHRASES: dict[str, str] = {
    "户口本": "",  # the document itself: lost → 证件遗失, never 户籍证明 by itself
    "户口簿": "",
    "户口登记": "户口登记项目内容变更",
    "户口": "户籍",
    "没犯过罪": "无犯罪记录",
    "没有犯罪": "无犯罪记录",
    "犯罪记录": "无犯罪记录",
    "良民证": "无犯罪记录",
    "还活着": "健在",
    "活着": "健在",
    "在世": "健在",
    "生存证明": "健在证明",
    "人不在了": "死亡",
    "去世": "死亡",
    "过世": "死亡",
    "单身": "婚姻状况",
    "未婚": "婚姻状况",
    "已婚": "婚姻状况",
    "离婚": "婚姻状况",
    "结婚": "婚姻",
    "工资": "收入",
    "挣多少": "收入",
    "存款": "银行存款",
    "房子": "房产",
    "车": "车辆所有权",
    "养狗": "养犬",
    "狗证": "养犬",
    "丢了": "证件遗失",
    "丢失": "证件遗失",
    "掉了": "证件遗失",
    "补办": "证件遗失",
    "失业": "就业状况",
    "没工作": "就业状况",
    "下岗": "就业状况",
    "找不到人": "人员失踪",
    "失联": "失踪",
    "生病": "疾病",
    "看病": "疾病",
    "残疾人": "残疾",
    "改名": "户口登记项目内容变更",
    "改名字": "户口登记项目内容变更",
    "改姓名": "户口登记项目内容变更",
    "改生日": "户口登记项目内容变更",
    "出生日期": "户口登记项目内容变更",
    "生孩子": "生育",
    "生小孩": "生育",
    "计生": "生育状况",
    "遗产": "遗产继承权",
    "继承": "遗产继承权",
    "开店": "经营场所",
    "门面": "经营场所",
    "营业执照": "市场主体住所",
    "住所": "市场主体住所",
    "亲戚": "亲属",
    "母子": "亲属关系",
    "父子": "亲属关系",
    "兄弟": "亲属关系",
    "姐妹": "亲属关系",
    "直系亲属": "亲属关系",
    "档案": "个人档案",
    "戒毒": "社区戒毒社区康复",
    "出生": "出生证明",
}
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
GENERIC_TAIL = "证明"


def normalise(text: str) -> str:
    """Full-width to half-width, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _PUNCTUATION.sub("", text)


_BY_LENGTH = sorted(PHRASES, key=len, reverse=True)


def expand(query: str) -> tuple[str, str]:
    """The query with its everyday phrasings masked out, and their official words.

    A phrase inside a longer one already matched (户口 in 户口本) does not count. The
    masked query decides which names stand in it literally; the official words only
    add to the coverage of the names they belong to.
    """
    taken: list[tuple[int, int]] = []
    extra: list[str] = []
    for phrase in _BY_LENGTH:
        start = query.find(phrase)
        while start != -1:
            end = start + len(phrase)
            if not any(s <= start and end <= e for s, e in taken):
                taken.append((start, end))
                extra.append(PHRASES[phrase])
                break
            start = query.find(phrase, start + 1)
    masked = list(query)
    for start, end in taken:
        masked[start:end] = "|" * (end - start)
    return "".join(masked), "|".join(e for e in extra if e)


def _grams(text: str) -> tuple[set[str], set[str]]:
    return set(text), {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass(frozen=True)
class Term:
    key: str
    text: str  # normalised name or alias
    chars: frozenset[str]
    pairs: frozenset[str]


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    matched: str


class Index:
    """The names and aliases of some items, with weights learnt from them."""

    def __init__(self, items: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        terms: list[Term] = []
        for key, name, aliases in items:
            for raw in {name, *aliases}:
                text = normalise(raw)
                if not text:
                    continue
                chars, pairs = _grams(text)
                terms.append(Term(key, text, frozenset(chars), frozenset(pairs)))
        self.terms = terms
        n = max(len(terms), 1)
        char_df = Counter(c for t in terms for c in t.chars)
        pair_df = Counter(p for t in terms for p in t.pairs)
        self.char_w = {c: math.log(1 + n / df) for c, df in char_df.items()}
        self.pair_w = {p: math.log(1 + n / df) for p, df in pair_df.items()}
        self._totals = {
            id(t): (
                sum(self.char_w[c] for c in t.chars),
                sum(self.pair_w[p] for p in t.pairs) or 1.0,
            )
            for t in terms
        }

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        original = normalise(query)
        if not original:
            return []
        literal, official = expand(original)
        q_chars, q_pairs = _grams(original + "|" + official)
        best: dict[str, Hit] = {}
        for term in self.terms:
            char_total, pair_total = self._totals[id(term)]
            char_cov = sum(self.char_w[c] for c in term.chars & q_chars) / char_total
            pair_cov = sum(self.pair_w[p] for p in term.pairs & q_pairs) / pair_total
            score = 0.45 * char_cov + 0.55 * pair_cov
            core = term.text.removesuffix(GENERIC_TAIL)
            if core and core in literal:
                score = max(score, 0.9 + 0.1 * len(core) / len(term.text))
            elif core and core in official:
                score = max(score, 0.8 + 0.1 * len(core) / len(term.text))
            if score <= 0.2:
                continue
            hit = best.get(term.key)
            if hit is None or score > hit.score:
                best[term.key] = Hit(term.key, round(min(score, 1.0), 4), term.text)
        ranked = sorted(best.values(), key=lambda h: (-h.score, len(h.matched), h.key))
        return ranked[:limit]
