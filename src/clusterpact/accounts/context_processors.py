from django.urls import reverse
from django.utils.translation import gettext as _

from clusterpact.calls.permissions import can_read_calls
from clusterpact.evaluation.permissions import can_evaluate
from clusterpact.funding.permissions import can_read_funding
from clusterpact.landscape.permissions import can_read_landscape
from clusterpact.pacts.permissions import can_read_pacts
from clusterpact.registry.permissions import can_change_registry, can_read_registry
from clusterpact.scenarios.permissions import can_read_scenarios


def navigation(request):
    """The main menu for the current user: only what their role can open."""
    user = request.user
    items = [(_("Home"), reverse("home"))]
    if user.is_authenticated:
        items.append((_("Dashboard"), reverse("dashboard")))
        if can_read_registry(user):
            items.append((_("Clusters"), reverse("registry:cluster-list")))
            items.append((_("Organisations"), reverse("registry:organisation-list")))
        if can_read_pacts(user):
            items.append((_("Pacts"), reverse("pacts:pact-list")))
        if can_read_funding(user):
            items.append((_("Funding"), reverse("funding:programme")))
        if can_read_calls(user):
            items.append((_("Calls"), reverse("calls:call-list")))
        if can_read_landscape(user):
            items.append((_("Network"), reverse("landscape:measures")))
        if can_read_scenarios(user):
            items.append((_("Future scenarios"), reverse("scenarios:programme")))
        if can_evaluate(user):
            items.append((_("Evaluations"), reverse("evaluation:index")))
        if can_change_registry(user) and user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    current = request.path
    return {
        "main_menu": [
            {
                "label": label,
                "url": url,
                "current": current == url or (url != "/" and current.startswith(url)),
            }
            for label, url in items
        ]
    }
