"""Fragmentation check and theme gaps: the seam between models and :mod:`clusterpact.analysis.overlap`.

A proposal's text is its title and theme description; a cluster's is its name
and domain description. Keys carry the kind (``c:`` cluster, ``p:`` proposal,
``t:`` theme) so one TF-IDF fit covers all of them and the matches can be
turned back into objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clusterpact.analysis import overlap
from clusterpact.registry.models import Cluster

from .models import Call, Proposal, ProposalStatus, StrategicTheme

TOP = 5


@dataclass(frozen=True)
class Found:
    obj: object  # Cluster or Proposal
    kind: str  # "cluster" or "proposal"
    score: float
    shared_terms: tuple[str, ...]
    flagged: bool


@dataclass(frozen=True)
class ProposalOverlap:
    proposal: Proposal
    clusters: tuple[Found, ...]
    proposals: tuple[Found, ...]

    @property
    def flagged(self) -> bool:
        return any(f.flagged for f in (*self.clusters, *self.proposals))

    @property
    def best(self) -> Found | None:
        found = (*self.clusters, *self.proposals)
        return max(found, key=lambda f: f.score) if found else None


def _cluster_text(cluster: Cluster) -> str:
    return f"{cluster.name}. {cluster.domain_description}"


def _proposal_text(proposal: Proposal) -> str:
    return f"{proposal.title}. {proposal.theme_description}"


def call_overlap(call: Call, *, only: Proposal | None = None) -> list[ProposalOverlap]:
    """Each proposal of ``call`` (submitted ones; ``only`` may be a draft) against every
    cluster domain and the call's other submitted proposals, closest first."""
    proposals = list(call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("pk"))
    if only is not None and only not in proposals:
        proposals.append(only)
    clusters = {
        f"c:{c.pk}": c for c in Cluster.objects.exclude(domain_description="").order_by("pk")
    }
    by_key = {f"p:{p.pk}": p for p in proposals}
    queries = (
        {f"p:{only.pk}": _proposal_text(only)}
        if only is not None
        else {k: _proposal_text(p) for k, p in by_key.items()}
    )
    corpus = {k: _cluster_text(c) for k, c in clusters.items()}
    corpus.update({k: _proposal_text(p) for k, p in by_key.items()})
    if not queries or not corpus:
        return []
    # The cluster and proposal lists are cut separately, so ask for enough matches to fill both.
    matches = overlap.nearest_matches(queries, corpus, top=2 * TOP + 1, exclude_same_key=True)
    threshold = float(call.overlap_threshold)
    result = []
    for key, found in matches.items():
        near_clusters, near_proposals = [], []
        for m in found:
            kind, target = (
                ("cluster", clusters.get(m.key))
                if m.key[0] == "c"
                else (
                    "proposal",
                    by_key.get(m.key),
                )
            )
            item = Found(target, kind, m.score, tuple(m.shared_terms), m.score >= threshold)
            (near_clusters if kind == "cluster" else near_proposals).append(item)
        result.append(
            ProposalOverlap(
                proposal=by_key[key],
                clusters=tuple(near_clusters[:TOP]),
                proposals=tuple(near_proposals[:TOP]),
            )
        )
    result.sort(key=lambda o: o.proposal.pk)
    return result


@dataclass(frozen=True)
class ClusterPair:
    first: Cluster
    second: Cluster
    score: float
    shared_terms: tuple[str, ...]


def cluster_consolidation(*, threshold: Decimal | float) -> list[ClusterPair]:
    """Pairs of existing clusters whose domains overlap at least ``threshold``, closest first:
    the seed's signal to consolidate organisations working on the same themes."""
    clusters = {
        f"c:{c.pk}": c for c in Cluster.objects.exclude(domain_description="").order_by("pk")
    }
    if len(clusters) < 2:
        return []
    texts = {k: _cluster_text(c) for k, c in clusters.items()}
    matches = overlap.nearest_matches(texts, texts, top=TOP, exclude_same_key=True)
    seen, pairs = set(), []
    for key, found in matches.items():
        for m in found:
            pair = tuple(sorted((key, m.key)))
            if m.score < float(threshold) or pair in seen:
                continue
            seen.add(pair)
            pairs.append(ClusterPair(clusters[pair[0]], clusters[pair[1]], m.score, m.shared_terms))
    pairs.sort(key=lambda p: (-p.score, p.first.name, p.second.name))
    return pairs


@dataclass(frozen=True)
class ThemeRow:
    theme: StrategicTheme
    covered: bool
    best: tuple[Found, ...]


def theme_gaps(*, threshold: Decimal | float, call: Call | None = None) -> list[ThemeRow]:
    """Strategic themes against the clusters' domains and the submitted proposals (of ``call``,
    or of every call); uncovered themes first."""
    themes = {f"t:{t.pk}": t for t in StrategicTheme.objects.filter(is_active=True)}
    if not themes:
        return []
    clusters = {
        f"c:{c.pk}": c for c in Cluster.objects.exclude(domain_description="").order_by("pk")
    }
    proposals = Proposal.objects.filter(status=ProposalStatus.SUBMITTED)
    if call is not None:
        proposals = proposals.filter(call=call)
    by_key = {f"p:{p.pk}": p for p in proposals.order_by("pk")}
    documents = {k: _cluster_text(c) for k, c in clusters.items()}
    documents.update({k: _proposal_text(p) for k, p in by_key.items()})
    if not documents:
        return [ThemeRow(t, False, ()) for t in themes.values()]
    coverage = overlap.theme_coverage(
        {k: f"{t.title}. {t.description}" for k, t in themes.items()},
        documents,
        threshold=float(threshold),
        top=3,
    )
    rows = []
    for c in coverage:
        best = tuple(
            Found(
                clusters.get(m.key) or by_key.get(m.key),
                "cluster" if m.key[0] == "c" else "proposal",
                m.score,
                tuple(m.shared_terms),
                m.score >= float(threshold),
            )
            for m in c.best
        )
        rows.append(ThemeRow(themes[c.theme], c.covered, best))
    rows.sort(key=lambda r: (r.covered, r.theme.title))
    return rows
