# Sign-in through SSO (OpenID Connect) and its policy on the Security page.

sso-sign-in-with = Sign in with { $provider }
sso-or = or
sso-unavailable = The SSO service cannot be reached right now. Try again shortly, or contact the administrator.
sso-replayed = This answer from the SSO service was already used or is not for this session. Please sign in with SSO again.
sso-expired = Signing in with SSO took too long. Please try again.
sso-provider-refused = The SSO service did not allow the sign-in. Please try again, or contact the administrator.
sso-failed = The answer from the SSO service could not be accepted. Please sign in with SSO again.
sso-claim-missing = The SSO service did not send the data used to match your account. Contact the administrator.
sso-unknown = Your SSO account is not linked to any Pelihara account. Pelihara never creates accounts by itself: ask the administrator to register you with the same NIP, email or username.
sso-ambiguous = The data from the SSO service matches more than one Pelihara account, so it cannot be used. Contact the administrator.
sso-inactive = Your Pelihara account is disabled. Contact the administrator.
sso-subject-mismatch = This Pelihara account is linked to another single sign-on account, so signing in was refused. If your single sign-on account really changed, ask the administrator to remove the link of your account.
sso-password-off = Office staff sign in with SSO; signing in with a password is for OPD operators only.

sso-admin-title = Sign in with SSO
sso-admin-lead = Staff sign in through the office's SSO service (OpenID Connect) and are matched to their existing Pelihara account; accounts are never created automatically.
sso-admin-off = No SSO service is configured on the server. The settings below take effect once an SSO provider is given when starting pelihara serve (see the README).
sso-admin-issuer = Provider (issuer)
sso-admin-client = Client ID
sso-admin-redirect = Redirect URI to register with the provider
sso-admin-claim = Matched to an account by
sso-admin-claim-nip = NIP (claim nip)
sso-admin-claim-email = Email (claim email, must be verified)
sso-admin-claim-username = Username (claim preferred_username)
sso-admin-staff-password = Office staff (administrators, auditors, staff) may still sign in with a password
sso-admin-staff-password-help = When unticked, office staff can sign in only with SSO. OPD operators can always sign in with a password. Without an SSO provider on the server, everyone signs in with a password.
sso-admin-second-step = Pelihara's two-step verification is still asked after SSO of users who use it or whose role requires it.
sso-admin-save = Save SSO settings
sso-admin-saved = SSO settings saved.
sso-admin-error-claim = Choose one way to match accounts.
