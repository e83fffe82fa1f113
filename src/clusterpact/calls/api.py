"""A small read-only API for proposals, under the same permission function as the pages.

A conflicted or unassigned reviewer, or another applicant, gets 404, exactly as
in the pages, because the queryset is :func:`.permissions.proposals_for`.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets

from .models import Proposal, ProposalPartner
from .permissions import proposals_for


class PartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ProposalPartner
        fields = ["name", "role", "organisation"]


class ProposalSerializer(serializers.ModelSerializer):
    partners = PartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "call",
            "title",
            "theme_description",
            "duration_months",
            "status",
            "receipt_number",
            "submitted_at",
            "partners",
        ]


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return (
            proposals_for(self.request.user)
            .select_related("call")
            .prefetch_related("partners__organisation")
            .order_by("pk")
        )
