# Sign-in, sign-out and roles (crate pelihara-web: auth.rs, pages/sign_in.rs).

auth-sign-in-title = Sign in to Pelihara
auth-sign-in-lead = Use the account your administrator gave you.
auth-username = Username
auth-password = Password
auth-sign-in = Sign in
auth-sign-out = Sign out
auth-signed-out = You have signed out. Goodbye.
auth-forgot = Locked out, or no email on your account? Contact your administrator.
auth-username-required = Enter your username.
auth-password-required = Enter your password.
auth-wrong-credentials = Wrong username or password.
auth-locked = Too many failed sign-ins for this account. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
auth-user-menu = Your account

auth-role-admin = Administrator
auth-role-auditor = Auditor
auth-role-staff = Staff
auth-role-opd_operator = OPD operator
