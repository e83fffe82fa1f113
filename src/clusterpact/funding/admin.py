from django.contrib import admin

from . import models

admin.site.register(
    [
        models.FundingLine,
        models.FundingLineBudget,
        models.ClusterAidProfile,
        models.Grant,
        models.Payment,
        models.PrivateContribution,
        models.Project,
        models.ProjectParticipant,
    ]
)
