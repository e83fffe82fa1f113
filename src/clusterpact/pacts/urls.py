from django.urls import path

from . import urls_reports, urls_scorecards, views

# Each feature keeps its routes in its own module, in one namespace; they come first so that
# the catch-all transition route below cannot swallow them.
app_name = "pacts"

urlpatterns = [
    *urls_reports.urlpatterns,
    *urls_scorecards.urlpatterns,
    path("", views.pact_list, name="pact-list"),
    path("new/", views.pact_create, name="pact-create"),
    path("catalogue/", views.kpi_list, name="kpi-list"),
    path("<int:pk>/", views.pact_detail, name="pact-detail"),
    path("<int:pk>/targets/", views.pact_targets, name="pact-targets"),
    path("<int:pk>/sign/", views.pact_sign, name="pact-sign"),
    path("reports/", views.report_table, name="report-table"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/values/", views.report_form, name="report-form"),
    path("reports/<int:pk>/comment/", views.report_comment, name="report-comment"),
    path("reports/<int:pk>/<str:action>/", views.report_transition, name="report-transition"),
]
