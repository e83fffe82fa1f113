"""The compliance panel as Excel (openpyxl) and PDF (WeasyPrint, as in evaluation/exports.py)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook


def compliance_xlsx(cluster, picture, rows: list[dict], status_label: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Compliance")[:31]
    sheet.append([_("Cluster"), cluster.name])
    sheet.append([_("Overall status"), status_label])
    sheet.append([])
    sheet.append(
        [
            _("Check"),
            _("Status"),
            _("Legal basis"),
            _("Rule set"),
            _("Grant"),
            _("Message"),
            _("Figures"),
        ]
    )
    for row in rows:
        sheet.append(
            [
                row["label"],
                row["status_label"],
                row["legal_basis"],
                row["ruleset"],
                row["grant_id"] or "",
                row["message"],
                "; ".join(f"{k}: {v}" for k, v in row["figures"]),
            ]
        )
    timeline = book.create_sheet(_("Timeline")[:31])
    timeline.append([_("Year"), _("Public (EUR)"), _("Operating aid (EUR)"), _("Private (EUR)")])
    for t in picture.timeline:
        timeline.append([t.year, t.public, t.operating, t.private])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def compliance_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("funding/compliance_pdf.html", context)
    return HTML(string=html).write_pdf()
