from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join through an invitation to an organisation, never by open sign-up.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
