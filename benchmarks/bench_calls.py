"""Benchmark: one call with 500 proposals, 150 reviewers and 1,500 cluster domains.

Run with ``.venv/bin/python benchmarks/bench_calls.py [--proposals 500] [--reviewers 150]
[--domains 1500] [--no-peers]``. Times the four steps of a call's selection in the
product's pure functions, in one process, and the total (the issue asks for at most
10 s):

* assignment: 3 reviewers per proposal from the pool, 2 % of (reviewer, proposal)
  pairs conflicted, default maximum load — ``clusterpact.analysis.assignment``;
* overlap: every proposal against every cluster domain (TF-IDF matrix and the five
  nearest with their shared terms) and against the other proposals —
  ``clusterpact.analysis.overlap.nearest_matches``;
* ranking of the 500 proposals on three criteria — ``clusterpact.rules.calls.rank``;
* selection within a budget that funds about a fifth — ``select_within_budget``.

Peers on the same inputs, in the same run (test-only dependencies):

* overlap: scikit-learn ``TfidfVectorizer`` (sublinear tf, accents stripped, the same
  stop words) and ``linear_kernel``. It does less than ours: no stemming, no language
  detection, no compound splitting, no shared terms; so the ratio is the price of
  those. For both, the share of proposals whose nearest domain is the one the
  proposal was written after is printed as a sanity check;
* assignment: the same convex min-cost flow solved by networkx ``network_simplex``
  (unit arcs reviewer -> sink with costs 1, 3, 5, ... so the cost of a load L is L**2),
  and the resulting loads (equal to ours when both are optimal).

Wall and CPU seconds are printed for each step: on a shared machine the CPU time
is the steadier figure; the ratios use CPU time.

Texts are synthetic, built from word lists: English from the names of the NACE
Rev. 2.1 activities (``clusterpact/rules/data/nace_rev2.csv``), Dutch from a list of
Dutch domain words below and function words; a fifth of the Dutch words are
two-word compounds as Dutch writes them (``waterstofopslag``), giving a vocabulary
of realistic size (some 15,000 distinct Dutch words). Half of the texts are Dutch,
half English; domains have 80 words, proposals 250.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np

from clusterpact.analysis.assignment import assign_reviewers
from clusterpact.analysis.overlap import nearest_matches, stop_words
from clusterpact.rules.calls import Candidate, Criterion, rank, select_within_budget


def _words(text: str) -> list[str]:
    return text.split()


NACE = Path(__file__).resolve().parents[1] / "src/clusterpact/rules/data/nace_rev2.csv"

DUTCH_WORDS = _words(
    """
waterstof energie opslag batterij batterijen zon wind warmte net netten elektriciteit
voeding voedsel landbouw teelt veeteelt verpakking zuivel vlees groenten fruit bodem
water lucht klimaat uitstoot koolstof kringloop grondstof grondstoffen afval recyclage
kunststof kunststoffen chemie materialen metaal staal beton hout textiel papier glas
bouw woning woningen renovatie isolatie verwarming gebouw gebouwen haven havens
logistiek vervoer transport spoor schip schepen vracht mobiliteit fiets auto autos
zorg gezondheid ziekenhuis patient patienten geneesmiddel vaccin diagnose therapie
onderzoek kennis opleiding onderwijs school scholen leraar talent werk arbeid markt
bedrijf bedrijven onderneming ondernemingen kmo kmos industrie fabriek productie
sensor sensoren data software digitaal robot robots automatisering machine machines
netwerk beveiliging cyber chip chips halfgeleider fotonica ruimtevaart satelliet
innovatie ontwikkeling toepassing toepassingen proef demonstratie platform partner
regio stad steden gemeente overheid beleid subsidie financiering investering kapitaal
toerisme cultuur media spel spellen muziek film ontwerp mode sport biotech
"""
)

DUTCH_GLUE = _words(
    """
de het een van en in op met voor door naar bij om over tot uit als ook nog
wij onze deze die dat zijn wordt worden kunnen zal nieuwe grote sterke samen
"""
)


def english_words() -> list[str]:
    with NACE.open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle, delimiter=";")]
    words = re.findall(r"[A-Za-z]+", " ".join(names).lower())
    return sorted(set(words))


def dutch_text(rng: random.Random, n: int, topic: list[str]) -> str:
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.35:
            out.append(rng.choice(DUTCH_GLUE))
        elif roll < 0.55:
            out.append(rng.choice(topic) + rng.choice(DUTCH_WORDS))
        elif roll < 0.8:
            out.append(rng.choice(topic))
        else:
            out.append(rng.choice(DUTCH_WORDS))
    return " ".join(out).capitalize() + "."


def english_text(rng: random.Random, n: int, topic: list[str], vocabulary: list[str]) -> str:
    out = [rng.choice(topic) if rng.random() < 0.6 else rng.choice(vocabulary) for _ in range(n)]
    return " ".join(out).capitalize() + "."


def make_call(
    rng: random.Random, n_proposals: int, n_domains: int
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Domains, proposals, and for each proposal the domain it was written after.

    Every domain has a topic (12 Dutch or 25 English words); proposal ``i`` takes
    the topic of domain ``3 * i mod n_domains`` (same language: odd is Dutch), so
    that domain is its intended nearest match. Dutch proposals glue the topic's
    words into compounds a fifth of the time, which only compound splitting can match.
    """
    vocabulary = english_words()
    topics = [
        rng.sample(DUTCH_WORDS, 12) if d % 2 else rng.sample(vocabulary, 25)
        for d in range(n_domains)
    ]

    def text(d: int, length: int) -> str:
        if d % 2:
            return dutch_text(rng, length, topics[d])
        return english_text(rng, length, topics[d], vocabulary)

    domains = {f"cluster-{d}": text(d, 80) for d in range(n_domains)}
    proposals: dict[str, str] = {}
    intended: dict[str, str] = {}
    for i in range(n_proposals):
        d = (3 * i) % n_domains
        if d % 2 != i % 2:
            d = (d + 1) % n_domains
        proposals[f"proposal-{i}"] = text(d, 250)
        intended[f"proposal-{i}"] = f"cluster-{d}"
    return domains, proposals, intended


def time_it(fn):
    """Wall and CPU seconds of ``fn()``, and its value: on a shared machine CPU time is steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return (time.perf_counter() - wall, time.process_time() - cpu), value


def peer_overlap(proposals: dict[str, str], domains: dict[str, str]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        strip_accents="unicode",
        stop_words=sorted(stop_words("nl") | stop_words("en")),
        token_pattern=r"(?u)\b[^\W\d_][^\W_]+\b",
    )
    matrix = vectorizer.fit_transform(list(proposals.values()) + list(domains.values()))
    q, c = matrix[: len(proposals)], matrix[len(proposals) :]
    scores = linear_kernel(q, c)
    nearest = np.argsort(-scores, axis=1)[:, :5]
    within = linear_kernel(q, q)
    np.fill_diagonal(within, 0.0)
    return scores, nearest, within


def peer_assignment(proposals, reviewers, per_proposal, conflicts, max_load):
    import networkx as nx

    graph = nx.MultiDiGraph()
    total = len(proposals) * per_proposal
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    for p in proposals:
        graph.add_edge("source", ("p", p), capacity=per_proposal, weight=0)
        for r in reviewers:
            if (r, p) not in conflicts:
                graph.add_edge(("p", p), ("r", r), capacity=1, weight=0)
    for r in reviewers:
        for k in range(1, max_load + 1):
            graph.add_edge(("r", r), "sink", capacity=1, weight=2 * k - 1)
    _, flow = nx.network_simplex(graph)
    loads = Counter()
    for p in proposals:
        for (_, r), arcs in flow[("p", p)].items():
            loads[r] += sum(arcs.values())
    return loads


def row(label: str, seconds: tuple[float, float], note: str = "") -> None:
    print(f"{label:<26}{seconds[0]:7.3f} s wall {seconds[1]:7.3f} s CPU   {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=150)
    parser.add_argument("--domains", type=int, default=1500)
    parser.add_argument("--no-peers", action="store_true", help="time only our functions")
    args = parser.parse_args()

    rng = random.Random(2024)
    domains, proposals, intended = make_call(rng, args.proposals, args.domains)
    proposal_keys = list(proposals)
    reviewers = [f"reviewer-{j}" for j in range(args.reviewers)]
    conflicts = {(r, p) for r in reviewers for p in proposal_keys if rng.random() < 0.02}
    criteria = (Criterion("excellence"), Criterion("impact"), Criterion("implementation"))
    half = [Decimal(n) / 2 for n in range(11)]
    candidates = [
        Candidate(
            key,
            {c.code: rng.choice(half[4:]) for c in criteria},
            Decimal(rng.randrange(50, 500) * 1000),
            covers_new_part=rng.random() < 0.3,
        )
        for key in proposal_keys
    ]
    requested = {c.key: c.requested for c in candidates}
    budget = sum(requested.values(), Decimal(0)) / 5

    t_assign, assignment = time_it(
        lambda: assign_reviewers(proposal_keys, reviewers, conflicts=conflicts, seed=1)
    )
    t_domains, against_domains = time_it(lambda: nearest_matches(proposals, domains, top=5))
    t_within, _ = time_it(lambda: nearest_matches(proposals, proposals, top=5))
    t_rank, ranking = time_it(lambda: rank(candidates, criteria))
    t_select, selection = time_it(lambda: select_within_budget(ranking, requested, budget))
    steps = (t_assign, t_domains, t_within, t_rank, t_select)
    total = (sum(t[0] for t in steps), sum(t[1] for t in steps))

    loads = Counter(r for rs in assignment.values() for r in rs)
    hits = sum(bool(m) and m[0].key == intended[k] for k, m in against_domains.items())
    hits /= len(proposal_keys)
    print(
        f"call: {args.proposals} proposals, {args.reviewers} reviewers "
        f"({len(conflicts)} conflicts), {args.domains} cluster domains"
    )
    row("assignment", t_assign, f"loads {min(loads.values())}-{max(loads.values())}")
    row("overlap vs domains", t_domains, f"intended domain nearest for {hits:.0%}")
    row("overlap among proposals", t_within)
    row("ranking", t_rank, f"{sum(r.passes for r in ranking)} pass")
    row(
        "selection",
        t_select,
        f"{len(selection.selected)} selected, {len(selection.reserve)} reserve",
    )
    row("total (limit 10 s)", total)
    first = proposal_keys[1]
    if against_domains[first]:
        best = against_domains[first][0]
        print(f"e.g. {first} -> {best.key} {best.score:.3f}: {', '.join(best.shared_terms)}")

    if args.no_peers:
        return
    t_peer, (_, nearest, _) = time_it(lambda: peer_overlap(proposals, domains))
    peer_hits = sum(
        f"cluster-{nearest[i, 0]}" == intended[k] for i, k in enumerate(proposal_keys)
    ) / len(proposal_keys)
    ours = t_domains[1] + t_within[1]
    print(
        f"overlap: ours {ours:.3f} s CPU, scikit-learn {t_peer[1]:.3f} s CPU, "
        f"ratio {ours / t_peer[1]:.1f}; intended domain nearest: ours {hits:.0%}, "
        f"scikit-learn {peer_hits:.0%}"
    )
    max_load = math.ceil(len(proposal_keys) * 3 / len(reviewers))
    t_peer, peer_loads = time_it(
        lambda: peer_assignment(proposal_keys, reviewers, 3, conflicts, max_load)
    )
    print(
        f"assignment: ours {t_assign[1]:.3f} s CPU, networkx network_simplex {t_peer[1]:.3f} s "
        f"CPU, ratio {t_assign[1] / t_peer[1]:.4f} (networkx {t_peer[1] / t_assign[1]:.0f} times "
        f"ours); loads ours {min(loads.values())}-{max(loads.values())}, networkx "
        f"{min(peer_loads.values())}-{max(peer_loads.values())}"
    )


if __name__ == "__main__":
    main()
