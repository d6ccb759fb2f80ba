# Two-factor sign-in with TOTP (crate pelihara-web: pages/two_factor.rs, pages/account_totp.rs,
# pages/admin/security.rs, templates/totp_macros.html).
account-tab-totp = Two-step verification
admin-tab-security = Security

totp-sign-in-title = Two-step verification
totp-sign-in-lead = Your password is right. Enter the 6-digit code from the authenticator app on your phone.
totp-code-or-recovery-label = Verification code
totp-code-or-recovery-help = The 6-digit code from your authenticator app, or one of your recovery codes if you do not have your phone.
totp-start-over = Cancel and sign in again
totp-pending-expired = The time to enter the verification code ran out. Sign in again with your password.
totp-pending-too-many = Too many wrong verification codes. Sign in again with your password.
totp-error-required = Enter the 6-digit code from your authenticator app.
totp-error-wrong = Wrong code. Check that your phone's clock is right, then enter the code shown now.
totp-error-reused = This code was used already. Wait for the next code in your authenticator app.

totp-enrol-required-title = Turn on two-step verification
totp-enrol-required-lead = Your role must use two-step verification. Turn it on now to go on.
totp-enrol-step-app = Install an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, FreeOTP or Aegis).
totp-enrol-step-scan = Scan this QR code with the app, or type in its key.
totp-enrol-step-confirm = Enter the 6-digit code the app shows, to confirm.
totp-qr-label = QR code for the authenticator app
totp-secret-label = Key to type into the app:
totp-secret-account = Account in the app: { $account }. Type: time-based, 6 digits, 30 seconds.
totp-code-label = Code from the app
totp-code-help = 6 digits; it changes every 30 seconds.
totp-enable = Turn on
totp-error-enrol-wrong = The code does not match. Scan the QR code again or check the key, then enter the code shown now.

totp-codes-title = Your recovery codes
totp-enabled-lead = Two-step verification is on. Keep the recovery codes below before you go on.
totp-codes-once = These codes are shown only once. Print them or keep them somewhere safe.
totp-codes-help = Each code works once, instead of a code from the app, if you lose your phone.
totp-continue = I have kept them, continue

totp-account-title = Two-step verification
totp-enrol-title = Turn on two-step verification
totp-enrol-lead = Once it is on, each sign-in asks for a code from your authenticator app as well as your password.
totp-state-on = On
totp-since = On since
totp-unused-codes = Recovery codes left
totp-required-note = Your role must use two-step verification; it cannot be turned off.
totp-new-codes = Make new recovery codes
totp-new-codes-help = The old recovery codes stop working once new ones are made.
totp-disable = Turn off two-step verification
totp-disable-help = Once it is off, your password alone signs you in.
totp-confirm-label = Password or code from the app
totp-confirm-help = To make sure it is you: your password, or the 6-digit code shown now.
totp-error-confirm-required = Enter your password or a code from the app.
totp-error-confirm-wrong = Wrong password or code.
totp-error-required-by-role = Your role must use two-step verification; it cannot be turned off.
totp-notice-enabled = Two-step verification is on.
totp-notice-already = Two-step verification was on already.
totp-notice-disabled = Two-step verification is off.
totp-notice-codes = New recovery codes made; the old ones no longer work.

totp-admin-title = Security
totp-admin-roles = Two-step verification required
totp-admin-lead = Users of the ticked roles must use two-step verification. Those who do not yet are asked to turn it on right after their password, and can do nothing else before.
totp-admin-roles-legend = Required for the roles
totp-admin-help = Takes effect at each user's next sign-in. API tokens are not affected.
totp-admin-save = Save
totp-admin-saved = Two-step verification settings saved.
