"""The seven transition priorities of Visie 2050 (Flemish Government, 2016), as data.

A region other than Flanders edits this list in the admin; code never refers to it.
"""

from django.db import migrations

PRIORITIES = [
    ("circular-economy", "Circulaire economie", "Circular economy"),
    ("living-learning-working", "Leven, leren en werken in 2050", "Living, learning and working in 2050"),
    ("industry-4-0", "Industrie 4.0", "Industry 4.0"),
    ("living-together", "Samenleven in 2050", "Living together in 2050"),
    ("mobility", "Mobiliteit", "Mobility"),
    ("energy-climate", "Energie en klimaat", "Energy and climate"),
    ("environment-future", "Een omgeving voor de toekomst", "An environment for the future"),
]


def add(apps, schema_editor):
    TransitionPriority = apps.get_model("registry", "TransitionPriority")
    for order, (code, nl, en) in enumerate(PRIORITIES, start=1):
        TransitionPriority.objects.update_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("registry", "TransitionPriority").objects.filter(
        code__in=[code for code, _, _ in PRIORITIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
