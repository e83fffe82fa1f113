"""Demo calls: a closed call for new strategic themes with twelve reviewed proposals and a
consensus on each (ready to rank, select and decide), an open call for intercluster projects
with a draft of the demo applicant, and strategic themes for the gap view.

Proposals come from the demo landscape's organisations (seeded choice, so every load is the
same); extra reviewer and applicant accounts are synthetic owners without a password. The
demo reviewer ``reviewer`` works for a partner of one proposal, so the detected conflict shows.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clusterpact.accounts import audit
from clusterpact.accounts.models import Role, User
from clusterpact.pacts.catalogue import load_default_catalogue
from clusterpact.pacts.models import Kpi
from clusterpact.registry.models import SME_CLASSES, HelixRole, Organisation

from . import domain
from .models import (
    Call,
    CallType,
    PartnerRole,
    Proposal,
    ProposalBudgetLine,
    ProposalKpi,
    ProposalPartner,
    ReviewAssignment,
    StrategicTheme,
)

SEED = 6
BRUSSELS = ZoneInfo("Europe/Brussels")
CLOSED_CALL = "Open call for new strategic themes 2025"
OPEN_CALL = "Intercluster projects 2027"
CALL_KPIS = ("collab-projects", "project-budget", "new-members")

# (title, theme description, quality 0..1 that steers the synthetic scores)
THEMES = (
    (
        "Flanders Space 2.0",
        "Kleine satellieten, lanceerdiensten en aardobservatie voor landbouw, haven en klimaatmonitoring; gedeelde testfaciliteiten voor ruimtevaartcomponenten.",
        0.9,
    ),
    (
        "Quantum sensing for industry",
        "Quantum sensors and quantum-safe communication for the process industry and the port; shared cleanroom access for start-ups.",
        0.8,
    ),
    (
        "EdTech Vlaanderen",
        "Digitale leermiddelen, adaptief leren en learning analytics voor scholen en opleidingen; samenwerking tussen edtech-bedrijven en lerarenopleidingen.",
        0.75,
    ),
    (
        "Entertainment technology",
        "Immersive media, virtual production and game technology for the creative industries; a shared studio for virtual production.",
        0.7,
    ),
    (
        "Circulaire bouw",
        "Hergebruik van bouwmaterialen, materialenpaspoorten en demontabel bouwen voor circulaire bouwprojecten.",
        0.65,
    ),
    (
        "Battery recycling",
        "Collection, dismantling and recycling of lithium-ion batteries; recovery of cobalt, nickel and lithium for new batteries.",
        0.6,
    ),
    (
        "Waterstofvalleien",
        "Lokale productie en opslag van groene waterstof voor industrie en zwaar transport in de haven.",
        0.55,
    ),
    (
        "Slimme regio",
        "Data-platformen voor slimme steden en gemeenten: mobiliteit, luchtkwaliteit en energie in de buurt.",
        0.5,
    ),
    (
        "Precision fermentation",
        "Precision fermentation for dairy and egg proteins; pilot plant shared by food companies and universities.",
        0.45,
    ),
    (
        "Blue biotech",
        "Algen en zeewier als grondstof voor voeding, veevoeder en biomaterialen; teelt op zee.",
        0.35,
    ),
    (
        "Photonics for health",
        "Photonic sensors and imaging for early diagnosis; clinical validation with hospitals.",
        0.3,
    ),
    (
        "Drones for logistics",
        "Drones voor pakketlevering en inspectie van infrastructuur in havens en op bedrijventerreinen.",
        0.2,
    ),
)

STRATEGIC_THEMES = (
    (
        "Space technology",
        "Satellites, launchers, ground segment and earth observation services.",
        "Systems analysis 2024",
    ),
    (
        "Quantum technology",
        "Quantum computing, quantum sensing and quantum-safe communication.",
        "Systems analysis 2024",
    ),
    (
        "Entertainment technology",
        "Immersive media, game technology and virtual production.",
        "Seed: initiatives outside a call",
    ),
    (
        "Circular construction",
        "Reuse of building materials, material passports and design for disassembly.",
        "Visie 2050: circular economy",
    ),
    (
        "Semiconductors",
        "Chip design, packaging and semiconductor manufacturing equipment.",
        "Systems analysis 2024",
    ),
    (
        "Sustainable chemistry",
        "Bio-based and recycled feedstocks for chemicals and plastics.",
        "Visie 2050: circular economy",
    ),
)


def _aware(year, month, day, hour=17) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, 0, tzinfo=BRUSSELS)


def _account(username: str, role: str, first: str, last: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "first_name": first, "last_name": last, **extra},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _kpis() -> list[Kpi]:
    load_default_catalogue()
    return list(Kpi.objects.filter(code__in=CALL_KPIS, is_current=True).order_by("code"))


def _consortium(rng: random.Random, companies, smes, knowledge) -> list[Organisation]:
    """Two or three companies (at least one SME), one knowledge institution."""
    sme = rng.choice(smes)
    chosen = [sme, rng.choice([c for c in companies if c != sme])]
    if rng.random() < 0.5:
        chosen.append(rng.choice([c for c in smes if c not in chosen]))
    chosen.append(rng.choice(knowledge))
    return chosen


def _score(rng: random.Random, quality: float) -> Decimal:
    raw = 1.5 + 3.5 * quality + rng.uniform(-0.75, 0.75)
    return Decimal(min(10, max(0, round(raw * 2)))) / 2


def load_demo_calls(stdout: TextIO = sys.stdout) -> int:
    """Create the demo calls once; returns the number of proposals created (0 if loaded)."""
    if Call.objects.filter(title=CLOSED_CALL).exists():
        stdout.write("The demo calls are already loaded.\n")
        return 0
    companies = list(Organisation.objects.filter(helix_role=HelixRole.COMPANY).order_by("pk")[:400])
    smes = [o for o in companies if o.size_class in SME_CLASSES]
    knowledge = list(Organisation.objects.filter(helix_role=HelixRole.KNOWLEDGE).order_by("pk"))
    officer = User.objects.filter(role=Role.OFFICER).order_by("pk").first()
    if not (smes and companies and knowledge and officer):
        stdout.write("The demo calls need the demo landscape; load it first.\n")
        return 0
    rng = random.Random(SEED)
    with audit.acting_as(None, label="demo loader", reason="demo calls"), transaction.atomic():
        kpis = _kpis()
        for title, description, source in STRATEGIC_THEMES:
            StrategicTheme.objects.get_or_create(
                title=title, defaults={"description": description, "source": source}
            )
        applicant = User.objects.filter(username="applicant").first() or _account(
            "applicant", Role.APPLICANT, "Aya", "Applicant"
        )
        owners = [applicant] + [
            _account(f"demo-applicant-{n:02d}", Role.APPLICANT, "Demo", f"Applicant {n}")
            for n in range(2, 7)
        ]
        # Four more reviewers, so every proposal gets three and the demo reviewer's conflict
        # leaves enough others.
        for n in range(2, 6):
            _account(f"demo-reviewer-{n}", Role.REVIEWER, "Demo", f"Reviewer {n}")
        closed = domain.create_call(
            kpis=kpis,
            title=CLOSED_CALL,
            call_type=CallType.NEW_THEME,
            description=(
                "Bottom-up call for strategic themes that no cluster covers, on a project "
                "basis: no new structures, ambitious KPIs set in advance, no automatic "
                "promotion to spearhead cluster."
            ),
            opens_at=_aware(2025, 1, 15, 9),
            closes_at=_aware(2025, 4, 30),
            budget=Decimal(3_000_000),
            max_duration_months=36,
            max_budget_per_proposal=Decimal(800_000),
            min_companies=2,
            min_sme_share=Decimal("0.5"),
            required_helix_roles=[HelixRole.KNOWLEDGE],
            reserve_size=3,
        )
        proposals = []
        for n, (title, description, quality) in enumerate(THEMES):
            partners = _consortium(rng, companies, smes, knowledge)
            proposal = Proposal.objects.create(
                call=closed,
                applicant=owners[n % len(owners)],
                title=title,
                theme_description=description,
                duration_months=36,
            )
            for i, org in enumerate(partners):
                ProposalPartner.objects.create(
                    proposal=proposal,
                    organisation=org,
                    role=PartnerRole.COORDINATOR if i == 0 else PartnerRole.PARTNER,
                )
            yearly = Decimal(rng.randrange(60, 250) * 1000)
            for year in (2026, 2027, 2028):
                ProposalBudgetLine.objects.create(
                    proposal=proposal, year=year, category="personnel", amount=yearly
                )
            for kpi in kpis:
                baseline = Decimal(rng.randrange(0, 10))
                ProposalKpi.objects.create(
                    proposal=proposal,
                    kpi=kpi,
                    baseline=baseline,
                    target=baseline + rng.randrange(3, 15),
                )
            domain.submit_proposal(proposal=proposal, at=_aware(2025, 4, 1 + 2 * n, 10 + n % 6))
            proposals.append((proposal, quality, partners))
        # The demo reviewer works at a partner of the weakest proposal: a detected conflict.
        demo_reviewer = User.objects.filter(username="reviewer").first()
        if demo_reviewer is not None:
            demo_reviewer.organisation = proposals[-1][2][0]
            demo_reviewer.save(update_fields=["organisation"])
        domain.run_assignment(call=closed, seed=SEED)
        criteria = list(closed.criteria.order_by("order"))
        for proposal, quality, _partners in proposals:
            given = {c.pk: [] for c in criteria}
            for assignment in ReviewAssignment.objects.filter(proposal=proposal).order_by("pk"):
                scores = {c: (_score(rng, quality), "") for c in criteria}
                for c, (value, _comment) in scores.items():
                    given[c.pk].append(value)
                domain.save_review(
                    assignment=assignment,
                    scores=scores,
                    comment="Synthetic demo review.",
                    submit=True,
                    at=_aware(2025, 5, 20),
                )
            rows = {}
            for c in criteria:
                mean = sum(given[c.pk], Decimal(0)) / max(len(given[c.pk]), 1)
                consensus = (mean * 2).quantize(Decimal(1)) / 2
                rows[c] = (
                    consensus,
                    f"The panel agrees on {consensus} for {c.name_en.lower()}: "
                    f"the reviewers gave {', '.join(str(v) for v in given[c.pk])}.",
                )
            domain.record_consensus(
                proposal=proposal, rows=rows, covers_new_part=quality > 0.6, user=officer
            )
        now = timezone.localtime(timezone.now(), BRUSSELS)
        closes = (now + dt.timedelta(days=90)).replace(hour=17, minute=0, second=0, microsecond=0)
        open_call = domain.create_call(
            kpis=kpis[:1],
            title=OPEN_CALL,
            call_type=CallType.INTERCLUSTER_PROJECT,
            description="Earmarked project funds for projects of at least two clusters.",
            opens_at=now - dt.timedelta(days=30),
            closes_at=closes,
            budget=Decimal(2_000_000),
            max_duration_months=24,
            min_companies=2,
            min_clusters=2,
        )
        draft = Proposal.objects.create(
            call=open_call,
            applicant=applicant,
            title="Circular plastics for food packaging",
            theme_description="Recycled plastics for food packaging, between chemistry and agri-food.",
            duration_months=24,
        )
        ProposalPartner.objects.create(
            proposal=draft, organisation=smes[0], role=PartnerRole.COORDINATOR
        )
    stdout.write(
        f"Demo calls loaded: {len(proposals)} reviewed proposals in a closed call, "
        "an open call with a draft, and strategic themes.\n"
    )
    return len(proposals)
