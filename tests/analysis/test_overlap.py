import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterpact.analysis.overlap import (
    Match,
    detect_language,
    fold,
    nearest_matches,
    similarity_matrix,
    stop_words,
    theme_coverage,
)

CLUSTERS = {
    "energy": (
        "Het cluster brengt bedrijven samen rond hernieuwbare energie, waterstof, "
        "batterijen en de opslag van elektriciteit voor de energietransitie."
    ),
    "food": (
        "De speerpuntcluster voor de voedingsindustrie verbindt landbouw, voeding en "
        "verpakking van voedsel met onderzoek naar gezonde producten."
    ),
    "chemistry": (
        "A cluster for chemistry and plastics: circular materials, recycling of polymers "
        "and sustainable chemical processes."
    ),
    "logistics": (
        "A cluster for logistics and mobility: ports, supply chains, freight transport and "
        "the digital tracking of goods."
    ),
}


def test_fold_lowers_and_strips_accents():
    assert fold("Coördinatie") == "coordinatie"
    assert fold("TECHNOLOGIEËN") == "technologieen"
    assert fold("één") == "een"


def test_detect_language_dutch_and_english():
    assert detect_language("Wij willen de waterstof in de haven van Antwerpen opslaan.") == "nl"
    assert detect_language("We want to store the hydrogen in the port of Antwerp.") == "en"


def test_detect_language_without_stop_words_uses_the_default():
    assert detect_language("waterstof batterij") == "nl"
    assert detect_language("waterstof batterij", default="en") == "en"


def test_stop_word_lists_are_the_snowball_lists():
    assert len(stop_words("nl")) == 101
    assert len(stop_words("en")) == 127
    assert {"de", "het", "een", "van"} <= stop_words("nl")
    with pytest.raises(ValueError, match="unsupported"):
        stop_words("fr")


def test_dutch_hydrogen_proposal_is_nearest_to_the_energy_cluster():
    proposal = {
        "p1": "Wij stellen een project voor over waterstof en hernieuwbare energie, "
        "met een batterij voor de opslag."
    }
    matches = nearest_matches(proposal, CLUSTERS)["p1"]
    assert matches[0].key == "energy"
    # No word in common with the food cluster: it is not a match at all.
    assert "food" not in [m.key for m in matches]
    # Stemming makes "batterij" match "batterijen"; the shared term is a readable word.
    assert "batterij" in matches[0].shared_terms
    assert {"waterstof", "hernieuwbare", "energie", "opslag"} <= set(matches[0].shared_terms)


def test_english_recycling_proposal_is_nearest_to_the_chemistry_cluster():
    proposal = {
        "p2": "Recycling plastic polymers into circular material for the chemical industry."
    }
    (match, *rest) = nearest_matches(proposal, CLUSTERS)["p2"]
    assert match.key == "chemistry"
    assert {"recycling", "polymers", "circular"} <= set(match.shared_terms)
    assert all(m.score < match.score for m in rest)


def test_dutch_compounds_share_their_parts():
    corpus = {
        "energy": "Opslag van waterstof en batterijen.",
        "other": "Een cluster voor de economie van de ruimtevaart.",
    }
    proposal = {"p": "De waterstofeconomie en batterijrecyclage."}
    matches = nearest_matches(proposal, corpus)["p"]
    assert [m.key for m in matches] == ["energy", "other"]
    assert set(matches[0].shared_terms) == {"waterstof", "batterij"}
    assert matches[1].shared_terms == ("economie",)


def test_readable_terms_keep_accents_and_the_most_common_form():
    corpus = {"a": "coördinatie van innovatie en innovaties", "b": "innovaties in de coördinatie"}
    (match,) = nearest_matches({"q": "innovaties en coördinatie"}, corpus, top=1)["q"]
    assert set(match.shared_terms) == {"coördinatie", "innovaties"}


def test_score_is_a_hand_computed_cosine():
    # Three English texts, no stop words, no stemming changes (lower-case nouns without suffixes):
    # idf(t) = ln((1 + 3) / (1 + df)) + 1; tf weights 1 + ln(tf).
    queries = {"q": "solar solar wind"}
    corpus = {"a": "solar grid", "b": "wind wind wind"}
    _, _, matrix = similarity_matrix(queries, corpus)
    idf_solar = math.log(4 / 3) + 1
    idf_wind = math.log(4 / 3) + 1
    idf_grid = math.log(4 / 2) + 1
    q = np.array([(1 + math.log(2)) * idf_solar, idf_wind, 0.0])
    a = np.array([idf_solar, 0.0, idf_grid])
    b = np.array([0.0, (1 + math.log(3)) * idf_wind, 0.0])

    def cos(x, y):
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert matrix.shape == (1, 2)
    assert matrix[0, 0] == pytest.approx(cos(q, a), abs=1e-12)
    assert matrix[0, 1] == pytest.approx(cos(q, b), abs=1e-12)


def test_same_text_scores_one_and_unrelated_texts_zero():
    keys_q, keys_c, matrix = similarity_matrix(
        {"x": "waterstof in de haven"}, {"same": "Waterstof in de haven!", "other": "ruimtevaart"}
    )
    assert (keys_q, keys_c) == (["x"], ["same", "other"])
    assert matrix[0, 0] == pytest.approx(1.0)
    assert matrix[0, 1] == 0.0


def test_proposals_against_each_other_skip_themselves():
    proposals = {
        "a": "waterstof opslag haven",
        "b": "waterstof opslag schip",
        "c": "voeding landbouw",
    }
    matches = nearest_matches(proposals, proposals)
    assert [m.key for m in matches["a"]] == ["b"]
    assert matches["c"] == []
    kept = nearest_matches(proposals, proposals, exclude_same_key=False)
    assert kept["a"][0] == Match("a", pytest.approx(1.0), kept["a"][0].shared_terms)


def test_top_limits_and_ties_follow_corpus_order():
    corpus = {f"c{i}": "waterstof" for i in range(8)}
    matches = nearest_matches({"q": "waterstof"}, corpus, top=3)["q"]
    assert [m.key for m in matches] == ["c0", "c1", "c2"]
    with pytest.raises(ValueError):
        nearest_matches({"q": "x"}, corpus, top=0)


def test_empty_inputs():
    assert nearest_matches({}, CLUSTERS) == {}
    assert nearest_matches({"q": "waterstof"}, {}) == {"q": []}
    assert nearest_matches({"q": ""}, CLUSTERS) == {"q": []}
    keys_q, keys_c, matrix = similarity_matrix({"q": "waterstof"}, {})
    assert matrix.shape == (1, 0)


def test_theme_coverage_finds_the_gap():
    themes = {
        "hydrogen": "waterstof en energieopslag",
        "space": "ruimtevaart en satellieten",
        "circular": "circular materials and recycling",
    }
    coverage = theme_coverage(themes, CLUSTERS, threshold=0.15)
    assert [c.theme for c in coverage] == ["hydrogen", "space", "circular"]
    assert [c.covered for c in coverage] == [True, False, True]
    assert coverage[0].best[0].key == "energy"
    assert coverage[1].best == ()
    assert coverage[2].best[0].key == "chemistry"
    # A threshold above the best score leaves even a matched theme uncovered, nearest miss shown.
    strict = theme_coverage(themes, CLUSTERS, threshold=0.99)
    assert not any(c.covered for c in strict)
    assert strict[0].best[0].key == "energy"
    with pytest.raises(ValueError):
        theme_coverage(themes, CLUSTERS, threshold=1.5)


def test_fast_dutch_stemmer_equals_snowball_word_for_word():
    import snowballstemmer

    from clusterpact.analysis.overlap import _dutch_stemmer

    words = [
        # i and y between vowels, a leading y, accents and diaereses, long compounds.
        "yoghurt",
        "kieuw",
        "ijzer",
        "fraaie",
        "haaien",
        "royaal",
        "mooiigheid",
        "aia",
        "eiie",
        "geïnteresseerd",
        "ruïne",
        "café",
        "ééntje",
        "coördinatie",
        "bayer",
        "waterstofeconomie",
        "batterijrecyclage",
        "gezondheidszorg",
        "ontwikkelingen",
        "bedrijven",
        "hernieuwbare",
        "duurzaamheid",
        "mogelijkheden",
        "kennisinstellingen",
        "voedingsmiddelen",
        "lijkt",
        "baar",
        "heden",
        "gemeente",
        "gemeenten",
        "y",
        "",
    ]
    reference = snowballstemmer.stemmer("dutch_porter")
    fast = _dutch_stemmer()
    assert [fast.stemWord(w) for w in words] == [reference.stemWord(w) for w in words]


def test_english_plural_and_singular_share_a_stem():
    corpus = {"energy": "The cluster develops batteries and the storage of energy."}
    (match,) = nearest_matches({"q": "A battery for storing renewable energy."}, corpus)["q"]
    # battery/batteries share the stem "batteri" (shown in its shortest form at equal
    # counts); storing/storage do not ("store", "storag"), nor does "renewable".
    assert set(match.shared_terms) == {"battery", "energy"}


WORDS = ["waterstof", "batterij", "batterijen", "energie", "haven", "voeding", "de", "het", "the"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), min_size=1, max_size=4),
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), min_size=1, max_size=4),
)
def test_scores_bounded_and_symmetric(left, right):
    a = {f"a{i}": t for i, t in enumerate(left)}
    b = {f"b{i}": t for i, t in enumerate(right)}
    _, _, ab = similarity_matrix(a, b)
    _, _, ba = similarity_matrix(b, a)
    assert ((ab >= 0) & (ab <= 1)).all()
    np.testing.assert_allclose(ab, ba.T, atol=1e-12)


def test_the_scale_examples_of_the_method_doc():
    # docs/methods/overlap.md quotes these scores to give the threshold a scale.
    queries = {
        "hydrogen": "Wij stellen een project voor over waterstof en hernieuwbare energie, "
        "met een batterij voor de opslag.",
        "recycling": "Recycling plastic polymers into circular material for the chemical industry.",
        "port": "Een project voor digitale opvolging van vracht in de haven van Antwerpen.",
        "vague": "Een innovatief project met bedrijven en onderzoek voor de toekomst.",
    }
    _, keys, matrix = similarity_matrix(queries, CLUSTERS)
    assert keys == ["energy", "food", "chemistry", "logistics"]
    assert matrix.round(2).tolist() == [
        [0.47, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.67, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.1, 0.09, 0.0, 0.0],
    ]


def test_keyword_texts_are_stemmed_in_the_language_that_uses_the_word():
    # A theme of keywords has no stop words: Dutch stemming would make "hydrogen"
    # "hydrog" and "batteries" "batterie", missing the English domain's "hydrogen"
    # and "batteries" ("batteri"). Each word takes the language of the texts using it.
    corpus = {
        "en": "The cluster works on hydrogen, batteries and the storage of energy.",
        "nl": "Het cluster werkt aan waterstof en de opslag van energie.",
    }
    themes = {"h2": "Hydrogen batteries", "waterstof": "Waterstof opslag"}
    matches = nearest_matches(themes, corpus)
    assert [m.key for m in matches["h2"]] == ["en"]
    assert set(matches["h2"][0].shared_terms) == {"hydrogen", "batteries"}
    assert [m.key for m in matches["waterstof"]] == ["nl"]
    assert set(matches["waterstof"][0].shared_terms) == {"waterstof", "opslag"}
