from django.urls import path

from . import views

app_name = "scenarios"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("public/", views.public, name="public"),
    path("advice/<str:lang>.pdf", views.programme_pdf, name="programme-pdf"),
    path("clusters/<slug:slug>/", views.cluster, name="cluster"),
    path("clusters/<slug:slug>/start/", views.start, name="start"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/scores/", views.save_scores, name="scores"),
    path("assessments/<int:pk>/weights/", views.save_weights, name="weights"),
    path("assessments/<int:pk>/compare/", views.compare, name="compare"),
    path("assessments/<int:pk>/budget/<slug:code>/", views.budget, name="budget"),
    path("assessments/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("assessments/<int:pk>/new-version/", views.new_version, name="new-version"),
    path("assessments/<int:pk>/publish/", views.publish, name="publish"),
    path("assessments/<int:pk>/advice/<str:lang>.pdf", views.advice_pdf, name="advice-pdf"),
]
