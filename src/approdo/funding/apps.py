from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


class FundingConfig(AppConfig):
    name = "approdo.funding"
    datasets = "approdo.funding.exports.datasets"
    demo = "approdo.funding.demo.create_demo_data"
    demo_order = 60
    menu = "approdo.funding.navigation.menu"
    menu_groups = [MenuGroup("calls", _("Calls"), order=30)]

    def ready(self):
        from approdo.funding import actions
        from approdo.surveys.signals import response_submitted

        # A call's questionnaire sent is an application; a report's questionnaire sent, a report.
        response_submitted.connect(
            actions.on_response_submitted, dispatch_uid="funding-response-submitted"
        )
