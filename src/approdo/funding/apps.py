from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "approdo.funding"

    def ready(self):
        from approdo.funding import actions
        from approdo.surveys.signals import response_submitted

        # A call's questionnaire sent is an application; a report's questionnaire sent, a report.
        response_submitted.connect(
            actions.on_response_submitted, dispatch_uid="funding-response-submitted"
        )
