from django.urls import path

from . import views_reports

urlpatterns = [
    path("reports/<int:pk>/excel/", views_reports.report_excel, name="report-excel"),
    path(
        "reports/<int:pk>/excel/template/",
        views_reports.report_excel_template,
        name="report-excel-template",
    ),
    path("reports/<int:pk>/evidence/", views_reports.evidence_add, name="report-evidence-add"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/",
        views_reports.evidence_download,
        name="report-evidence",
    ),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views_reports.evidence_delete,
        name="report-evidence-delete",
    ),
]
