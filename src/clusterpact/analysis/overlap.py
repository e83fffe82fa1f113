"""Text overlap between proposals, cluster domains and strategic themes (Dutch and English).

The fragmentation check of a call compares each proposal with the domains of the
existing clusters and with the other proposals; the theme-gap view compares
strategic themes with the same texts. Both use one measure: the cosine similarity
of TF-IDF vectors (Salton & Buckley 1988; Manning, Raghavan & Schütze 2008, ch. 6),
fitted on all texts of one comparison, so a word shared by every text weighs
little and a rare shared word weighs much.

Per text: Unicode NFC, lower case; words are runs of letters and digits (a hyphen
or apostrophe separates words); pure numbers and one-letter words are dropped;
accents are folded (``coördinatie`` = ``coordinatie``); the Snowball stop words of
Dutch and English are dropped (``data/stopwords_*.txt``). The language of each text
is the one whose distinctive stop words it uses most (:func:`detect_language`; a
text without any, such as a list of keywords, takes per word the language of the
texts that use the word most); the words are stemmed with that language's Snowball
stemmer (Dutch: the original Porter-style Dutch stemmer, plus the v/f and z/s
alternation of Dutch spelling so ``bedrijven`` = ``bedrijf``).

Dutch writes compounds as one word (``waterstofeconomie``, ``batterijrecyclage``),
so a proposal on hydrogen would share no term with a cluster on the hydrogen
economy. A Dutch word of eight letters or more is therefore also split into parts
that occur as words of their own somewhere in the compared texts (longest first
part first, the linking ``s``, ``e`` or ``en`` allowed between parts, parts of at
least four letters; failing that, one such part and a remainder of at least six
letters); the word itself is kept and each part is counted once more. The lexicon
comes from the texts themselves, so no dictionary is shipped.

Term weights: ``(1 + ln tf) * idf`` with the smoothed ``idf = ln((1 + n) / (1 + df)) + 1``
over the ``n`` distinct texts, each vector scaled to unit length. Scores are in
[0, 1]: 0 means no stem in common, 1 the same stems in the same proportions.
See ``docs/methods/overlap.md``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from scipy import sparse
from snowballstemmer.dutch_porter_stemmer import DutchPorterStemmer

_DATA = Path(__file__).resolve().parent / "data"

MIN_PART = 4
MIN_COMPOUND = 2 * MIN_PART
MIN_UNKNOWN_PART = 6
_LINKS = ("", "s", "en", "e")
_WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """Lower case without accents: the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _stop_words(language: str) -> frozenset[str]:
    text = (_DATA / f"stopwords_{language}.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for w in text.split())


def stop_words(language: str) -> frozenset[str]:
    """The folded stop words of ``"nl"`` or ``"en"``."""
    if language not in ("nl", "en"):
        raise ValueError(f"unsupported language {language!r}: use 'nl' or 'en'")
    return _stop_words(language)


def _bag(text: str, folded: dict[str, str] | None = None) -> Counter[tuple[str, str]]:
    """Occurrences of each (folded, display) word of ``text``; display is lower case with accents.

    ``folded`` caches the folded form of each word across texts ("" for a dropped word).
    """
    cache = {} if folded is None else folded
    bag: Counter[tuple[str, str]] = Counter()
    for word, n in Counter(_WORD.findall(unicodedata.normalize("NFC", text).casefold())).items():
        form = cache.get(word)
        if form is None:
            # Plain ASCII needs no folding: it is already lower case without accents.
            dropped = len(word) < 2 or word.isdigit()
            form = cache[word] = "" if dropped else word if word.isascii() else fold(word)
        if form:
            bag[(form, word)] += n
    return bag


@cache
def _distinctive() -> tuple[frozenset[str], frozenset[str]]:
    nl, en = stop_words("nl"), stop_words("en")
    # Words on both lists ("in", "is", "over", "was") tell nothing.
    return nl - en, en - nl


def _language_of(bag: Mapping[tuple[str, str], int], default: str | None) -> str | None:
    only_nl, only_en = _distinctive()
    n_nl = sum(n for (word, _), n in bag.items() if word in only_nl)
    n_en = sum(n for (word, _), n in bag.items() if word in only_en)
    if n_nl == n_en:
        return default
    return "nl" if n_nl > n_en else "en"


def detect_language(text: str, *, default: str = "nl") -> str:
    """``"nl"`` or ``"en"``: the language whose own stop words make up more of ``text``.

    A text with as many Dutch as English stop words (for example none, as in a
    list of keywords) gets ``default``.
    """
    return _language_of(_bag(text), default)


class _DutchPorter(DutchPorterStemmer):
    """Snowball's Dutch (Porter) stemmer with its prelude and postlude in plain Python.

    The generated code looks every character up in a table to mark ``i``/``y``
    between vowels and to undo the marks; for long Dutch compounds that is most of
    the time spent. These two steps do the same in a loop over the characters
    (``tests/analysis/test_overlap.py`` checks the stems are equal word for word).
    """

    _VOWELS = frozenset("aeiouyè")
    _ACCENTS = str.maketrans("áäéëíïóöúü", "aaeeiioouu")

    def _DutchPorterStemmer__r_prelude(self) -> bool:
        chars = list(self.current.translate(self._ACCENTS))
        vowels = self._VOWELS
        n = len(chars)
        if n and chars[0] == "y":
            chars[0] = "Y"
        i = 0
        while True:
            while i < n and chars[i] not in vowels:
                i += 1
            if i >= n:
                break
            i += 1
            if i < n and chars[i] == "i":
                i += 1
                if i < n and chars[i] in vowels:
                    chars[i - 1] = "I"
            elif i < n and chars[i] == "y":
                chars[i] = "Y"
                i += 1
        self.current = "".join(chars)
        return True

    def _DutchPorterStemmer__r_postlude(self) -> bool:
        self.current = self.current.replace("Y", "y").replace("I", "i")
        return True


def _dutch_stemmer():
    # The override relies on the generated class's private step names; should a
    # future snowballstemmer rename them, the stock (slower) stemmer is used.
    if hasattr(DutchPorterStemmer, "_DutchPorterStemmer__r_prelude") and hasattr(
        DutchPorterStemmer, "_DutchPorterStemmer__r_postlude"
    ):
        return _DutchPorter()
    return snowballstemmer.stemmer("dutch_porter")


_local = threading.local()


def _stemmers() -> dict[str, object]:
    # Snowball stemmer objects keep the word being stemmed in their state: one set per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {
            "nl": _dutch_stemmer(),
            "en": snowballstemmer.stemmer("english"),
        }
    return stemmers


@lru_cache(maxsize=1 << 18)
def stem(word: str, language: str) -> str:
    """The stem of a folded ``word`` in ``"nl"`` or ``"en"``, cached across comparisons."""
    if language != "nl":
        return _stemmers()["en"].stemWord(word)
    # Plurals the Porter-style stemmer leaves alone: innovaties, technologieën (folded).
    if word.endswith("ieen"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-1]
    result = _stemmers()["nl"].stemWord(word)
    # Dutch spelling alternates f/v and s/z before a vowel: bedrijf/bedrijven, huis/huizen.
    if result.endswith("v"):
        result = result[:-1] + "f"
    elif result.endswith("z"):
        result = result[:-1] + "s"
    return result


class _Splitter:
    """Splits Dutch compounds into parts that the compared texts also use as words."""

    def __init__(self, lexicon: frozenset[str]) -> None:
        known = set(lexicon)
        # A part may stand alone only in an inflected form: batterij(en), onderzoek(s).
        for word in lexicon:
            for ending in ("en", "s", "e"):
                if word.endswith(ending) and len(word) - len(ending) >= MIN_PART:
                    known.add(word[: -len(ending)])
        self._known = frozenset(known)
        self._cache: dict[str, tuple[str, ...]] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        """The parts of ``word``, or () when it is not a compound of known words."""
        if len(word) < MIN_COMPOUND:
            return ()
        found = self._cache.get(word)
        if found is None:
            cuts = _cuts(word)
            found = tuple(self._split_known(word, cuts, 3) or self._split_half_known(cuts) or ())
            self._cache[word] = found
        return found

    def _split_known(self, word: str, cuts: list[tuple[str, str]], depth: int) -> list[str] | None:
        known = self._known
        for head, tail in cuts:
            if head not in known:
                continue
            if tail in known:
                return [head, tail]
            if depth > 1 and len(tail) >= MIN_COMPOUND:
                sub = self._split_known(tail, _cuts(tail), depth - 1)
                if sub:
                    return [head, *sub]
        return None

    def _split_half_known(self, cuts: list[tuple[str, str]]) -> list[str] | None:
        # One known part suffices when the other is long enough not to be a suffix
        # (regio+nale is not a compound; waterstof+economie is).
        known = self._known
        for head, tail in cuts:
            if (head in known and len(tail) >= MIN_UNKNOWN_PART) or (
                tail in known and len(head) >= MIN_UNKNOWN_PART
            ):
                return [head, tail]
        return None


def _cuts(word: str) -> list[tuple[str, str]]:
    """(head, tail) around every cut, longest head first, a linking s, en or e dropped."""
    n = len(word)
    out = []
    for i in range(n - MIN_PART, MIN_PART - 1, -1):
        head = word[:i]
        for link in _LINKS:
            j = i + len(link)
            if n - j >= MIN_PART and word.startswith(link, i):
                out.append((head, word[j:]))
    return out


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    shared_terms: tuple[str, ...]


@dataclass(frozen=True)
class ThemeCoverage:
    theme: str
    covered: bool
    best: tuple[Match, ...]


@dataclass(frozen=True)
class _Fitted:
    """TF-IDF vectors of the distinct texts of one comparison.

    ``vectors`` is a CSR matrix (distinct texts x terms), rows of unit length;
    ``query_rows`` / ``corpus_rows`` give the row of each query / corpus text;
    ``display`` the readable word form of each term column.
    """

    query_keys: list[str]
    corpus_keys: list[str]
    query_rows: np.ndarray
    corpus_rows: np.ndarray
    vectors: sparse.csr_matrix
    display: list[str]


def _undetermined_words(
    bags: list[Counter[tuple[str, str]]], languages: list[str | None]
) -> dict[str, str]:
    """A language for each word of the texts whose language is undetermined.

    A text with no telling stop words (a title, a list of keywords such as a
    strategic theme "Hydrogen storage") is stemmed word by word in the language of
    the texts that use the word most; a word no determined text uses takes the
    language of most determined texts, Dutch on a tie.
    """
    if all(lang is not None for lang in languages):
        return {}
    uses: dict[str, Counter[str]] = {}
    for bag, lang in zip(bags, languages, strict=True):
        if lang is not None:
            for word, _ in bag:
                uses.setdefault(word, Counter())[lang] += 1
    determined = Counter(lang for lang in languages if lang is not None)
    majority = "en" if determined["en"] > determined["nl"] else "nl"
    result: dict[str, str] = {}
    for bag, lang in zip(bags, languages, strict=True):
        if lang is None:
            for word, _ in bag:
                counts = uses.get(word)
                if counts is None or counts["nl"] == counts["en"]:
                    result[word] = majority
                else:
                    result[word] = "nl" if counts["nl"] > counts["en"] else "en"
    return result


def _fit(queries: Mapping[str, str], corpus: Mapping[str, str]) -> _Fitted:
    texts: list[str] = []
    query_rows: list[int] = []
    row_of: dict[tuple[str, str], int] = {}
    for key, text in queries.items():
        row_of[(key, text)] = len(texts)
        query_rows.append(len(texts))
        texts.append(text)
    corpus_rows: list[int] = []
    for key, text in corpus.items():
        # The same text under the same key on both sides is one document for the IDF.
        row = row_of.get((key, text))
        if row is None:
            row = len(texts)
            texts.append(text)
        corpus_rows.append(row)

    folded: dict[str, str] = {}
    stops = stop_words("nl") | stop_words("en")
    bags: list[Counter[tuple[str, str]]] = []
    languages: list[str | None] = []
    for text in texts:
        bag = _bag(text, folded)
        languages.append(_language_of(bag, None))
        for key in [k for k in bag if k[0] in stops]:
            del bag[key]
        bags.append(bag)
    word_language = _undetermined_words(bags, languages)
    lexicon = frozenset(
        word
        for bag, lang in zip(bags, languages, strict=True)
        if lang == "nl"
        for word, _ in bag
        if len(word) >= MIN_PART
    )

    # Each distinct (word, display form, language) is an entry; texts count entries,
    # and a sparse entries x terms matrix adds each entry to its stem and the stems of
    # its compound parts, so the per-word work is done once per entry, not per text.
    entry_of: dict[tuple[str, str, str], int] = {}
    rows: list[np.ndarray] = []
    cols: list[list[int]] = []
    vals: list[list[int]] = []
    for d, (bag, lang) in enumerate(zip(bags, languages, strict=True)):
        if lang is None:
            ids = [
                entry_of.setdefault((w, shown, word_language[w]), len(entry_of)) for w, shown in bag
            ]
        else:
            ids = [entry_of.setdefault((w, shown, lang), len(entry_of)) for w, shown in bag]
        cols.append(ids)
        vals.append(list(bag.values()))
        rows.append(np.full(len(ids), d, dtype=np.int64))
    n_docs = len(texts)
    entries = list(entry_of)
    counts = sparse.csr_matrix(
        (
            np.concatenate([np.asarray(v, dtype=float) for v in vals]) if vals else np.zeros(0),
            (
                np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                np.concatenate([np.asarray(c, dtype=np.int64) for c in cols])
                if cols
                else np.zeros(0, dtype=np.int64),
            ),
        ),
        shape=(n_docs, len(entries)),
    )

    splitter = _Splitter(lexicon)
    column: dict[str, int] = {}
    analysed: dict[tuple[str, str], tuple[int, tuple[tuple[int, str], ...]]] = {}
    expand_rows: list[int] = []
    expand_cols: list[int] = []
    forms: list[list[tuple[int, str]]] = []
    for e, (word, shown, lang) in enumerate(entries):
        found = analysed.get((word, lang))
        if found is None:
            parts = splitter.parts(word) if lang == "nl" else ()
            found = analysed[(word, lang)] = (
                column.setdefault(stem(word, lang), len(column)),
                tuple((column.setdefault(stem(p, lang), len(column)), p) for p in parts),
            )
        col, parts = found
        expand_rows.append(e)
        expand_cols.append(col)
        entry_forms = [(col, shown)]
        for part_col, part in parts:
            expand_rows.append(e)
            expand_cols.append(part_col)
            entry_forms.append((part_col, part))
        forms.append(entry_forms)
    n_terms = len(column)
    expand = sparse.csr_matrix(
        (np.ones(len(expand_rows)), (expand_rows, expand_cols)), shape=(len(entries), n_terms)
    )
    tf_matrix = sparse.csr_matrix(counts @ expand)
    tf_matrix.sort_indices()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    form_counts: Counter[tuple[int, str]] = Counter()
    for e, entry_forms in enumerate(forms):
        for pair in entry_forms:
            form_counts[pair] += int(totals[e])

    df = np.bincount(tf_matrix.indices, minlength=n_terms)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weights = tf_matrix.copy()
    weights.data = (1.0 + np.log(weights.data)) * idf[weights.indices]
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weights = sparse.diags(1.0 / norms) @ weights
    # The readable form of a term: its most frequent word form, then the shortest, then A-Z.
    best: dict[int, tuple[int, int, str]] = {}
    for (col, form), n in form_counts.items():
        rank_key = (-n, len(form), form)
        if col not in best or rank_key < best[col]:
            best[col] = rank_key
    display = [best[col][2] for col in range(n_terms)]
    return _Fitted(
        query_keys=list(queries),
        corpus_keys=list(corpus),
        query_rows=np.asarray(query_rows, dtype=np.int64),
        corpus_rows=np.asarray(corpus_rows, dtype=np.int64),
        vectors=sparse.csr_matrix(weights),
        display=display,
    )


def _scores(fitted: _Fitted) -> np.ndarray:
    q = fitted.vectors[fitted.query_rows]
    c = fitted.vectors[fitted.corpus_rows]
    product = (q @ c.T).toarray()
    return np.clip(product, 0.0, 1.0)


def similarity_matrix(
    queries: Mapping[str, str], corpus: Mapping[str, str]
) -> tuple[list[str], list[str], np.ndarray]:
    """Query keys, corpus keys and the (queries x corpus) matrix of cosine similarities."""
    fitted = _fit(queries, corpus)
    if not fitted.query_keys or not fitted.corpus_keys:
        return (
            fitted.query_keys,
            fitted.corpus_keys,
            np.zeros((len(fitted.query_keys), len(fitted.corpus_keys))),
        )
    return fitted.query_keys, fitted.corpus_keys, _scores(fitted)


def _shared_terms(fitted: _Fitted, q_row: int, c_row: int, n: int) -> tuple[str, ...]:
    v = fitted.vectors
    qa, qb = v.indptr[q_row], v.indptr[q_row + 1]
    ca, cb = v.indptr[c_row], v.indptr[c_row + 1]
    common, qi, ci = np.intersect1d(
        v.indices[qa:qb], v.indices[ca:cb], assume_unique=True, return_indices=True
    )
    if not len(common):
        return ()
    contribution = v.data[qa:qb][qi] * v.data[ca:cb][ci]
    # Largest contribution to the cosine first; the term's column breaks ties (first seen).
    order = np.lexsort((common, -contribution))[:n]
    return tuple(fitted.display[int(common[k])] for k in order)


def _matches(
    fitted: _Fitted,
    scores: np.ndarray,
    top: int,
    exclude_same_key: bool,
    terms: int,
) -> dict[str, list[Match]]:
    result: dict[str, list[Match]] = {}
    corpus_index = {k: j for j, k in enumerate(fitted.corpus_keys)}
    n_corpus = len(fitted.corpus_keys)
    for i, key in enumerate(fitted.query_keys):
        row = scores[i].copy() if n_corpus else np.zeros(0)
        if exclude_same_key and key in corpus_index:
            row[corpus_index[key]] = 0.0
        # Highest score first, then corpus order: stable and deterministic.
        candidates = np.flatnonzero(row > 0)
        if len(candidates) > top:
            part = np.argpartition(-row[candidates], top - 1)[:top]
            threshold = row[candidates[part]].min()
            candidates = np.flatnonzero(row >= threshold)
        order = candidates[np.lexsort((candidates, -row[candidates]))][:top]
        result[key] = [
            Match(
                key=fitted.corpus_keys[j],
                score=float(row[j]),
                shared_terms=_shared_terms(
                    fitted, int(fitted.query_rows[i]), int(fitted.corpus_rows[j]), terms
                ),
            )
            for j in order
        ]
    return result


def nearest_matches(
    queries: Mapping[str, str],
    corpus: Mapping[str, str],
    *,
    top: int = 5,
    exclude_same_key: bool = True,
    terms: int = 5,
) -> dict[str, list[Match]]:
    """The ``top`` corpus texts most similar to each query, best first.

    Matches with score 0 (no stem in common) are left out, so a list may be
    shorter than ``top``. With ``exclude_same_key`` a query is not matched with a
    corpus text of the same key (comparing proposals with each other). Each match
    names up to ``terms`` shared words, the largest contributors to the score first.
    """
    if top < 1:
        raise ValueError("top must be at least 1")
    fitted = _fit(queries, corpus)
    if not fitted.query_keys:
        return {}
    scores = _scores(fitted) if fitted.corpus_keys else np.zeros((len(fitted.query_keys), 0))
    return _matches(fitted, scores, top, exclude_same_key, terms)


def theme_coverage(
    themes: Mapping[str, str],
    documents: Mapping[str, str],
    *,
    threshold: float,
    top: int = 3,
) -> list[ThemeCoverage]:
    """Per theme (in the given order): covered when some document scores at least ``threshold``.

    ``best`` holds the ``top`` closest documents even when none reaches the
    threshold, so the agency sees how near the nearest miss is.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1")
    matches = nearest_matches(themes, documents, top=top, exclude_same_key=False)
    return [
        ThemeCoverage(
            theme=theme,
            covered=bool(matches[theme]) and matches[theme][0].score >= threshold,
            best=tuple(matches[theme]),
        )
        for theme in themes
    ]
