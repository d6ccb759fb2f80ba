# Password recovery, "Lupa kata sandi" (crate pelihara-web: pages/recovery.rs; the mail in
# crate pelihara-notify: email.rs).

recovery-link = Forgot your password?
recovery-title = Forgot password
recovery-lead = Enter the username or email address of your account. If that account is active and has an email address, we send it a link to set a new password.
recovery-identifier = Username or email
recovery-identifier-required = Enter a username or an email address.
recovery-submit = Send link
recovery-sent = If that username or email belongs to an active account with an email address, a link to set a new password has been sent there. The link works for { $minutes } minutes and only once. Check your spam folder too.
recovery-unavailable = This server cannot send email yet. Ask the administrator to reset your password.
recovery-limited = Too many requests from your network. Try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
recovery-back = Back to sign in
recovery-set-title = Set a new password
recovery-set-lead = The new password is for the account { $username }. Every session of this account on other devices will end.
recovery-new-password = New password
recovery-confirm-password = Repeat the new password
recovery-password-help = At least { $min } characters.
recovery-set-submit = Save password
recovery-expired = This link has expired. Ask for a new one below.
recovery-spent = This link has already been used. Ask for a new one if you still need it.
recovery-unknown = This link is not valid. Make sure you opened the whole link from the email, or ask for a new one.
recovery-ask-again = Ask for a new link
auth-password-recovered = Your new password has been saved. Sign in with it.

recovery-mail-subject = Reset your Pelihara password
recovery-mail-body = Someone asked to set a new password for your Pelihara account. Open this link to set it:
recovery-mail-button = Set a new password
recovery-mail-valid = The link works for { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
} and only once.
recovery-mail-ignore = If you did not ask for it, ignore this message: your password has not changed.
recovery-mail-footer = This message was sent automatically by Pelihara. Do not pass the link above on to anyone.
