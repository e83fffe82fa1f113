from django.urls import path

from . import views_transfer as views

urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/<str:kind>/", views.import_preview, name="import-preview"),
    path("import/<str:kind>/commit/", views.import_commit, name="import-commit"),
    path(
        "import/<str:kind>/template.<str:fmt>",
        views.import_template,
        name="import-template",
    ),
]
