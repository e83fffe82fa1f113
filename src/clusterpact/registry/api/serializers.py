"""Serializers of the registry API.

Every write goes through the model's own validation (``full_clean``), so the
API refuses exactly what the admin and the pages refuse. Related objects are
looked up only inside the requesting user's scope: an object the user may not
see is reported as missing, never as forbidden.
"""

from __future__ import annotations

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from clusterpact.accounts.models import Role, User
from clusterpact.registry.models import (
    Cluster,
    FeeRate,
    Membership,
    Organisation,
    TransitionPriority,
    validate_enterprise_number,
)
from clusterpact.registry.permissions import (
    can_change_cluster,
    clusters_for,
    organisations_for,
)
from clusterpact.rules import enterprise_number


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class CleanModelSerializer(serializers.ModelSerializer):
    """A model serializer that also runs ``Model.full_clean()`` on the would-be object."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            detail = serializers.as_serializer_error(error)
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(detail) from error
        # The model's cleaning may normalise values (enterprise numbers); store what it settled on.
        for name in attrs:
            if name not in many_to_many:
                attrs[name] = getattr(instance, name)
        return attrs


class ClusterSerializer(CleanModelSerializer):
    transition_priorities = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=TransitionPriority.objects.all(),
        required=False,
        help_text=_("Codes of the transition priorities the cluster serves."),
    )
    cluster_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("Id of the organisation that operates the cluster."),
    )
    member_count = serializers.IntegerField(
        read_only=True, help_text=_("Members whose membership is active today.")
    )
    membership_count = serializers.IntegerField(
        read_only=True, help_text=_("All memberships ever registered, ended ones included.")
    )

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "name",
            "kind",
            "status",
            "domain_description",
            "transition_priorities",
            "cluster_organisation",
            "support_start",
            "nuts_code",
            "is_published",
            "is_synthetic",
            "member_count",
            "membership_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_synthetic", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["cluster_organisation"].queryset = organisations_for(user)
        return fields


class OrganisationSerializer(CleanModelSerializer):
    enterprise_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_(
            "Belgian enterprise number in any usual spelling (0123.456.749, BE0123456749); "
            "returned as ten digits."
        ),
    )
    enterprise_number_display = serializers.CharField(read_only=True)
    is_young = serializers.BooleanField(
        read_only=True, help_text=_("Founded at most five years ago (a young firm).")
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "country",
            "enterprise_number",
            "enterprise_number_display",
            "foreign_identifier",
            "helix_role",
            "kind",
            "nace_code",
            "nace_section",
            "nuts_code",
            "municipality",
            "founding_year",
            "size_class",
            "is_young",
            "publicly_controlled",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_synthetic", "created_at", "updated_at"]

    def validate_enterprise_number(self, value: str) -> str:
        if not value:
            return ""
        validate_enterprise_number(value)
        number = enterprise_number.normalise(value)
        taken = Organisation.objects.filter(enterprise_number=number)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                _("An organisation with this enterprise number is already registered.")
            )
        return number


class ClusterScopedSerializer(CleanModelSerializer):
    """Base for rows that belong to one cluster: the cluster must be one the user may change."""

    cluster = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Cluster.objects.none(),
        help_text=_("Slug of the cluster."),
    )

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["cluster"].queryset = clusters_for(user)
        return fields

    def validate_cluster(self, cluster: Cluster) -> Cluster:
        if not can_change_cluster(_user(self), cluster):
            # Same words as for a slug that does not exist: the answer must not reveal which it is.
            self.fields["cluster"].fail("does_not_exist", slug_name="slug", value=cluster.slug)
        return cluster


class MembershipSerializer(ClusterScopedSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text=_("Id of the member organisation.")
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "cluster",
            "organisation",
            "organisation_name",
            "start",
            "end",
            "is_synthetic",
        ]
        read_only_fields = ["is_synthetic"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["organisation"].queryset = organisations_for(user)
        return fields


class FeeRateSerializer(ClusterScopedSerializer):
    class Meta:
        model = FeeRate
        fields = ["id", "cluster", "year", "helix_role", "size_class", "amount"]


class ManagedClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["slug", "name"]


class MeSerializer(serializers.ModelSerializer):
    role_label = serializers.SerializerMethodField()
    is_agency = serializers.BooleanField(read_only=True)
    managed_clusters = ManagedClusterSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["username", "role", "role_label", "is_agency", "managed_clusters"]
        read_only_fields = fields

    def get_role_label(self, user: User) -> str:
        return str(Role(user.role).label) if user.role else ""
