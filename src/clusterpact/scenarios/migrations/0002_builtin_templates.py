"""The four scenarios and seven criteria of the VARIO advice (May 2024) as built-in templates.

The Dutch reasoning quotes the advice (``seed/000_55acd2097cfbf2ca.txt``, section
2 "Aanbevelingen" and recommendation 2); the English text is a faithful summary.
The data is frozen here, as migrations must be; the agency edits or adds
templates in the administration.
"""

from django.db import migrations

SOURCE = "VARIO (2024), advies 'Toekomst van het Vlaamse clusterbeleid', groenboek mei 2024"

SCENARIOS = [
    {
        "code": "project-funding",
        "order": 1,
        "funding_model": "project_only",
        "cofinancing_factor": "1.00",
        "name_nl": "Scenario 1: geen recurrente basisfinanciering, enkel projectfinanciering",
        "name_en": "Scenario 1: no recurring basic funding, project funding only",
        "description_nl": (
            "De cluster krijgt na de tienjarige periode geen basisfinanciering meer; "
            "overheidsmiddelen lopen enkel nog via (intercluster)projecten."
        ),
        "description_en": (
            "After the ten-year period the cluster receives no more basic funding; public money "
            "reaches it only through (intercluster) projects."
        ),
        "reasoning_nl": (
            "VARIO vindt dat een bepaald aandeel recurrente basisfinanciering noodzakelijk is voor "
            "speerpuntclusters. Deze basisfinanciering zorgt ervoor dat ze zich neutraal kunnen "
            "opstellen t.o.v. van alle mogelijks begunstigde partijen. Een inschakeling van de "
            "speerpuntclusters binnen transformatief innovatiebeleid vraagt van hen ook engagement. "
            "Zonder basisfinanciering zullen de speerpuntclusters waarschijnlijk minder verbonden "
            "zijn aan het behalen van beleidsdoelen. VARIO acht zo'n scenario (scenario 1) dan ook "
            "niet opportuun."
        ),
        "reasoning_en": (
            "VARIO holds that a share of recurring basic funding is necessary: it lets a spearhead "
            "cluster stay neutral towards every potential beneficiary, and a role in transformative "
            "innovation policy asks for commitment. Without basic funding clusters would probably be "
            "less tied to policy goals, so VARIO does not consider this scenario opportune."
        ),
    },
    {
        "code": "merge",
        "order": 2,
        "funding_model": "other_recipient",
        "cofinancing_factor": "1.00",
        "name_nl": "Scenario 2: inkanteling in een andere organisatie, zoals een strategisch onderzoekscentrum",
        "name_en": "Scenario 2: merging into another organisation, such as a strategic research centre",
        "description_nl": (
            "De clusterwerking gaat op in een bestaande organisatie (bv. een strategisch "
            "onderzoekscentrum), die de middelen ontvangt."
        ),
        "description_en": (
            "The cluster's work is taken over by an existing organisation (e.g. a strategic "
            "research centre), which receives the funding."
        ),
        "reasoning_nl": (
            "VARIO ziet voor de bestaande speerpuntclusters geen grote potentiële synergiewinsten en "
            "wijst een inkantelingsscenario (scenario 2) dan ook sterk af. Bovendien is de sturing "
            "door de bedrijven, die voor VARIO essentieel is, in dit scenario niet fundamenteel "
            "gewaarborgd. Omgekeerd moet wel getracht worden om organisaties die actief zijn rond de "
            "thema's van de speerpuntclusters (en qua werking grote gelijkenissen vertonen) te "
            "consolideren in de speerpuntclusters."
        ),
        "reasoning_en": (
            "VARIO sees no large potential synergy gains for the existing spearhead clusters and "
            "strongly rejects merging them into another organisation; steering by companies, which "
            "it considers essential, is not fundamentally secured in this scenario. Conversely, "
            "organisations working on a cluster's themes in a similar way should be consolidated "
            "into the spearhead clusters."
        ),
    },
    {
        "code": "continue",
        "order": 3,
        "funding_model": "continue",
        "cofinancing_factor": "1.00",
        "name_nl": (
            "Scenario 3: verderzetting met een in hoofdzaak economische opdracht en een sterke link "
            "naar transformatief innovatiebeleid"
        ),
        "name_en": (
            "Scenario 3: continuation with a mainly economic mission and a strong link to "
            "transformative innovation policy"
        ),
        "description_nl": (
            "De cluster blijft basisfinanciering en geoormerkte projectmiddelen krijgen, met "
            "economische valorisatie als hoofdopdracht en een duidelijke rol in de transities."
        ),
        "description_en": (
            "The cluster keeps basic funding and earmarked project funds, with economic "
            "valorisation as its main mission and a clear role in the transitions."
        ),
        "reasoning_nl": (
            "VARIO verkiest grotendeels een verderzetting van het huidige clusterbeleid met een "
            "terechte focus op economische valorisatie en een duidelijke rol voor de maatschappelijke "
            "uitdagingen gelinkt aan de transitie. Dit stemt grotendeels overeen met scenario 3. "
            "Voorzie de nodige basisfinanciering om onafhankelijkheid te vrijwaren; exploreer de "
            "rechtsbasis binnen AGVV (verlenging van de periode van 10 jaar) en overweeg een "
            "aanmeldingsprocedure voor staatssteun indien de AGVV de gemaakte keuze onvoldoende "
            "toelaat."
        ),
        "reasoning_en": (
            "VARIO largely prefers continuing the current cluster policy, rightly focused on "
            "economic valorisation and with a clear role for the societal challenges of the "
            "transitions: this largely matches scenario 3. It asks for the basic funding that keeps "
            "clusters independent, and for a legal basis: an extension of the ten-year period of "
            "GBER art. 27, or a state-aid notification where the GBER does not allow the choice."
        ),
    },
    {
        "code": "transition",
        "order": 4,
        "funding_model": "mission",
        "cofinancing_factor": "0.50",
        "name_nl": (
            "Scenario 4: volledige kadering in systeemtransformatie, zonder economische valorisatie "
            "als doel"
        ),
        "name_en": (
            "Scenario 4: a full turn to system transformation, without economic valorisation as a goal"
        ),
        "description_nl": (
            "De clusterprogramma's worden volledig gekaderd in een transitiemissie; economische "
            "valorisatie is geen doelstelling meer. Het standaardbudget halveert de cofinanciering "
            "door bedrijven, die betalen voor economische meerwaarde."
        ),
        "description_en": (
            "The cluster programmes are framed entirely as a transition mission; economic "
            "valorisation is no longer a goal. The default plan halves company cofinancing, since "
            "companies pay for economic value."
        ),
        "reasoning_nl": (
            "Een scenario waarin de economische valorisatie wordt losgelaten als doelstelling en "
            "waarin de clusterprogramma's volledig worden gekaderd in een systeemtransformatie "
            "(scenario 4) gaat voor VARIO voorbij aan de rol van de speerpuntclusters in het "
            "Innovatiesysteembeleid."
        ),
        "reasoning_en": (
            "For VARIO, dropping economic valorisation as a goal and framing the cluster programmes "
            "entirely as system transformation ignores the role of spearhead clusters in innovation "
            "system policy."
        ),
    },
]

CRITERIA = [
    (
        "neutrality",
        "Neutraliteit gewaarborgd door basisfinanciering",
        "Neutrality secured by basic funding",
        "Speerpuntclusters nemen een centrale en neutrale actorrol op en dit moet ook zo blijven. "
        "Een bepaald aandeel recurrente basisfinanciering zorgt ervoor dat ze zich neutraal kunnen "
        "opstellen t.o.v. alle mogelijks begunstigde partijen (aanbevelingen 1.1 en 2).",
        "Clusters play a central, neutral role and should keep doing so; a share of recurring basic "
        "funding lets them stay neutral towards every potential beneficiary (recommendations 1.1 and "
        "2). Score high when the scenario keeps that independence.",
    ),
    (
        "company-steering",
        "Sturing door bedrijven en cofinanciering",
        "Company steering and cofinancing",
        "Kenmerkend is de nauwe betrokkenheid van en sturing vanuit de bedrijven bij de "
        "langetermijnstrategie en de roadmaps. Die betrokkenheid vertaalt zich in cofinanciering via "
        "lidgelden en projectfinanciering; voor VARIO is het cruciaal dat ze behouden wordt "
        "(aanbeveling 1.1).",
        "Companies steer the long-term strategy and the roadmaps, and show it by cofinancing through "
        "membership fees and projects; VARIO considers keeping that commitment crucial "
        "(recommendation 1.1).",
    ),
    (
        "synergy",
        "Synergiewinsten",
        "Synergy gains",
        "VARIO ziet voor de bestaande speerpuntclusters geen grote potentiële synergiewinsten bij "
        "inkanteling; organisaties rond de thema's van de speerpuntclusters moeten wel in de "
        "speerpuntclusters geconsolideerd worden.",
        "VARIO sees no large synergy gains from merging existing clusters into other organisations; "
        "organisations working on a cluster's themes should rather be consolidated into it.",
    ),
    (
        "valorisation",
        "Economische valorisatie",
        "Economic valorisation",
        "De hoofdopdracht van de clusters is nieuw economisch potentieel ontsluiten via bottom-up "
        "innovatie; de ECOOM/STORE-rapporten over de impact op de 'Total Factor Productivity' zijn "
        "gunstig (aanbeveling 1.1).",
        "The clusters' main mission is to unlock new economic potential through bottom-up "
        "innovation; the ECOOM/STORE studies of their effect on members' total factor productivity "
        "are favourable (recommendation 1.1).",
    ),
    (
        "transition",
        "Bijdrage aan de transitieprioriteiten",
        "Contribution to transition priorities",
        "VARIO ziet voor de speerpuntclusters een meer expliciete rol bij het behalen van de "
        "beleidsdoelen binnen transformatiegericht innovatiebeleid; interclustersamenwerking volgt de "
        "transitieprioriteiten uit Visie 2050.",
        "VARIO wants a more explicit role for the clusters in reaching the goals of transformative "
        "innovation policy; intercluster collaboration follows the transition priorities of "
        "Vision 2050.",
    ),
    (
        "admin-burden",
        "Administratieve last (hoog = licht)",
        "Administrative burden (high = light)",
        "Een 'lappendeken' aan steunmaatregelen zou voor nog meer rapporterings- en "
        "evaluatieverplichtingen zorgen en tot onduidelijkheid bij de bedrijven leiden; VARIO vraagt "
        "zich ook af of de rapportagefrequentie niet te hoog is (aanbevelingen 1.3 en 2).",
        "A patchwork of aid measures would add reporting and evaluation duties and confuse "
        "companies; VARIO also asks whether reporting is too frequent (recommendations 1.3 and 2). "
        "Score high when the scenario keeps the burden light.",
    ),
    (
        "legal-basis",
        "Rechtsbasis onder de staatssteunregels",
        "Legal basis under the state-aid rules",
        "Artikel 27 AGVV beperkt exploitatiesteun tot 10 jaar. Exploreer een verlenging binnen "
        "artikel 27 en overweeg een aanmeldingsprocedure voor staatssteun indien de AGVV de gemaakte "
        "keuze onvoldoende toelaat (aanbeveling 2).",
        "GBER art. 27 limits operating aid to ten years. Explore an extension within art. 27, and "
        "consider notifying the aid where the GBER does not allow the choice (recommendation 2). "
        "The budget projection shows which rule each scenario breaches and from which year.",
    ),
]


def add(apps, schema_editor):
    Scenario = apps.get_model("scenarios", "Scenario")
    Criterion = apps.get_model("scenarios", "ScenarioCriterion")
    for fields in SCENARIOS:
        fields = dict(fields)
        code = fields.pop("code")
        Scenario.objects.update_or_create(
            code=code, defaults={**fields, "source": SOURCE, "is_builtin": True}
        )
    for order, (code, name_nl, name_en, help_nl, help_en) in enumerate(CRITERIA, start=1):
        Criterion.objects.update_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "help_nl": help_nl,
                "help_en": help_en,
                "source": SOURCE,
                "order": order,
                "is_builtin": True,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("scenarios", "Scenario").objects.filter(is_builtin=True).delete()
    apps.get_model("scenarios", "ScenarioCriterion").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
