from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# What a city's provider asserts: a SITHS card or an app code (two factors), or a password.
ACR_MFA = "http://id.elegnamnden.se/loa/1.0/loa3"
ACR_PASSWORD = "http://id.elegnamnden.se/loa/1.0/loa2"


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below goes into the ID token

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        two_factors = request.user.groups.filter(name="mfa").exists()
        return {
            "email": request.user.email,
            "acr": ACR_MFA if two_factors else ACR_PASSWORD,
            "amr": ["pwd", "otp"] if two_factors else ["pwd"],
        }
